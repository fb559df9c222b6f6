/*
 * The Volumes section of `kubectl describe pod` (describeVolumes and its
 * print*VolumeSource helpers) and the QoS class that follows it, computed
 * like kubectl's GetPodQOS when status.qosClass is empty. Multi-line
 * formats keep kubectl's hard-coded four-space indents.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "describe-internal.h"

static const char *
describe_tf(const cJSON *o, const char *key)
{
    return describe_bool(o, key) ? "true" : "false";
}

/* A *bool printed with %v: "<nil>" when unset (kubectl <= 1.32). */
static const char *
describe_ptr_bool(const cJSON *o, const char *key)
{
    const cJSON *v = describe_get(o, key);

    if (v == NULL)
        return "<nil>";
    return cJSON_IsTrue(v) ? "true" : "false";
}

static void
describe_projected(struct describe *d, const cJSON *p)
{
    const cJSON *src, *s;

    describe_w(d, 2,
               "Type:\tProjected (a volume that contains injected data "
               "from multiple sources)\n");
    cJSON_ArrayForEach(src, describe_get(p, "sources"))
    {
        if ((s = describe_get(src, "secret")) != NULL) {
            if (d->minor >= 33)
                describe_w(d, 2, "SecretName:\t%s\n    Optional:\t%s\n",
                           describe_str(s, "name"), describe_tf(s, "optional"));
            else
                describe_w(
                    d, 2, "SecretName:\t%s\n    SecretOptionalName:\t%s\n",
                    describe_str(s, "name"), describe_ptr_bool(s, "optional"));
        } else if (describe_get(src, "downwardAPI") != NULL) {
            describe_w(d, 2, "DownwardAPI:\ttrue\n");
        } else if ((s = describe_get(src, "configMap")) != NULL) {
            if (d->minor >= 33)
                describe_w(d, 2, "ConfigMapName:\t%s\n    Optional:\t%s\n",
                           describe_str(s, "name"), describe_tf(s, "optional"));
            else
                describe_w(
                    d, 2, "ConfigMapName:\t%s\n    ConfigMapOptional:\t%s\n",
                    describe_str(s, "name"), describe_ptr_bool(s, "optional"));
        } else if ((s = describe_get(src, "serviceAccountToken")) != NULL) {
            describe_w(d, 2, "TokenExpirationSeconds:\t%lld\n",
                       describe_int(s, "expirationSeconds"));
        } else if ((s = describe_get(src, "clusterTrustBundle")) != NULL) {
            describe_w(d, 2, "ClusterTrustBundle:\t%s\n",
                       *describe_str(s, "name") != '\0'
                           ? describe_str(s, "name")
                           : describe_str(s, "signerName"));
        }
    }
}

/* printCSIPersistentVolumeAttributesMultiline: every write call carries
 * the level-2 indent, continuation lines included. */
static void
describe_csi_attributes(struct describe *d, const cJSON *attrs)
{
    size_t        n;
    const cJSON **v = describe_sorted(attrs, &n);

    describe_w(d, 2, "VolumeAttributes:\t");
    if (n == 0)
        tabwriter_puts(&d->tw, "<none>\n");
    for (size_t i = 0; i < n; i++) {
        char *val = describe_value(v[i]);
        char *line = xasprintf("%s=%s", v[i]->string, val);

        if (i != 0) {
            describe_w(d, 2, "%s", "");
            describe_w(d, 2, "\t");
        }
        if (strlen(line) > 140)
            describe_w(d, 2, "%.140s...\n", line);
        else
            describe_w(d, 2, "%s\n", line);
        free(line);
        free(val);
    }
    free(v);
}

/* printPersistentVolumeClaim for an ephemeral volume's claim template,
 * through kubectl's nested prefix writer (indent level 2). */
static void
describe_claim_template(struct describe *d, const cJSON *tpl)
{
    const cJSON *meta = describe_get(tpl, "metadata");
    const cJSON *spec = describe_get(tpl, "spec");
    const cJSON *ds = describe_get(spec, "dataSource");
    const char  *sc = describe_str(spec, "storageClassName");

    if (describe_get(spec, "storageClassName") == NULL)
        sc = describe_str(describe_get(meta, "annotations"),
                          "volume.beta.kubernetes.io/storage-class");
    describe_w(d, 2, "StorageClass:\t%s\n", sc);
    describe_w(d, 2, "Volume:\t%s\n", describe_str(spec, "volumeName"));
    describe_labels(d, 2, "Labels", describe_get(meta, "labels"));
    describe_annotations(d, 2, describe_get(meta, "annotations"));
    /* A template has no status: capacity and access modes stay empty. */
    describe_w(d, 2, "Capacity:\t\n");
    describe_w(d, 2, "Access Modes:\t\n");
    if (describe_get(spec, "volumeMode") != NULL)
        describe_w(d, 2, "VolumeMode:\t%s\n", describe_str(spec, "volumeMode"));
    if (ds != NULL) {
        describe_w(d, 2, "DataSource:\n");
        if (describe_get(ds, "apiGroup") != NULL)
            describe_w(d, 3, "APIGroup:\t%s\n", describe_str(ds, "apiGroup"));
        describe_w(d, 3, "Kind:\t%s\n", describe_str(ds, "kind"));
        describe_w(d, 3, "Name:\t%s\n", describe_str(ds, "name"));
    }
}

void
describe_volumes(struct describe *d, const cJSON *volumes)
{
    const cJSON *vol, *s;

    if (cJSON_GetArraySize(volumes) == 0) {
        describe_w(d, 0, "Volumes:\t<none>\n");
        return;
    }
    describe_w(d, 0, "Volumes:\n");
    cJSON_ArrayForEach(vol, volumes)
    {
        describe_w(d, 1, "%s:\n", describe_str(vol, "name"));
        if ((s = describe_get(vol, "hostPath")) != NULL) {
            describe_w(d, 2,
                       "Type:\tHostPath (bare host directory volume)\n"
                       "    Path:\t%s\n    HostPathType:\t%s\n",
                       describe_str(s, "path"),
                       describe_get(s, "type") != NULL ? describe_str(s, "type")
                                                       : "<none>");
        } else if ((s = describe_get(vol, "emptyDir")) != NULL) {
            const cJSON *lim = describe_get(s, "sizeLimit");
            char        *raw = lim != NULL ? describe_value(lim) : NULL;
            char        *l = raw != NULL ? describe_quantity_text(raw) : NULL;

            describe_w(d, 2,
                       "Type:\tEmptyDir (a temporary directory that shares a "
                       "pod's lifetime)\n    Medium:\t%s\n    SizeLimit:\t%s\n",
                       describe_str(s, "medium"),
                       l != NULL && describe_quantity(l) > 0 ? l : "<unset>");
            free(l);
            free(raw);
        } else if ((s = describe_get(vol, "secret")) != NULL) {
            describe_w(d, 2,
                       "Type:\tSecret (a volume populated by a Secret)\n"
                       "    SecretName:\t%s\n    Optional:\t%s\n",
                       describe_str(s, "secretName"),
                       describe_tf(s, "optional"));
        } else if ((s = describe_get(vol, "configMap")) != NULL) {
            describe_w(d, 2,
                       "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
                       "    Name:\t%s\n    Optional:\t%s\n",
                       describe_str(s, "name"), describe_tf(s, "optional"));
        } else if ((s = describe_get(vol, "persistentVolumeClaim")) != NULL) {
            describe_w(d, 2,
                       "Type:\tPersistentVolumeClaim (a reference to a "
                       "PersistentVolumeClaim in the same namespace)\n"
                       "    ClaimName:\t%s\n    ReadOnly:\t%s\n",
                       describe_str(s, "claimName"),
                       describe_tf(s, "readOnly"));
        } else if ((s = describe_get(vol, "projected")) != NULL) {
            describe_projected(d, s);
        } else if ((s = describe_get(vol, "downwardAPI")) != NULL) {
            const cJSON *it, *ref;

            describe_w(d, 2,
                       "Type:\tDownwardAPI (a volume populated by "
                       "information about the pod)\n    Items:\n");
            cJSON_ArrayForEach(it, describe_get(s, "items"))
            {
                if ((ref = describe_get(it, "fieldRef")) != NULL)
                    describe_w(d, 3, "%s -> %s\n",
                               describe_str(ref, "fieldPath"),
                               describe_str(it, "path"));
                if ((ref = describe_get(it, "resourceFieldRef")) != NULL)
                    describe_w(d, 3, "%s -> %s\n",
                               describe_str(ref, "resource"),
                               describe_str(it, "path"));
            }
        } else if ((s = describe_get(vol, "nfs")) != NULL) {
            describe_w(d, 2,
                       "Type:\tNFS (an NFS mount that lasts the lifetime of a "
                       "pod)\n    Server:\t%s\n    Path:\t%s\n"
                       "    ReadOnly:\t%s\n",
                       describe_str(s, "server"), describe_str(s, "path"),
                       describe_tf(s, "readOnly"));
        } else if ((s = describe_get(vol, "csi")) != NULL) {
            describe_w(d, 2,
                       "Type:\tCSI (a Container Storage Interface (CSI) "
                       "volume source)\n    Driver:\t%s\n    FSType:\t%s\n"
                       "    ReadOnly:\t%s\n",
                       describe_str(s, "driver"), describe_str(s, "fsType"),
                       describe_tf(s, "readOnly"));
            describe_csi_attributes(d, describe_get(s, "volumeAttributes"));
        } else if ((s = describe_get(vol, "ephemeral")) != NULL) {
            describe_w(d, 2,
                       "Type:\tEphemeralVolume (an inline specification "
                       "for a volume that gets created and deleted with "
                       "the pod)\n");
            if (describe_get(s, "volumeClaimTemplate") != NULL)
                describe_claim_template(d,
                                        describe_get(s, "volumeClaimTemplate"));
        } else if ((s = describe_get(vol, "gitRepo")) != NULL) {
            describe_w(d, 2,
                       "Type:\tGitRepo (a volume that is pulled from git when "
                       "the pod is created)\n    Repository:\t%s\n"
                       "    Revision:\t%s\n",
                       describe_str(s, "repository"),
                       describe_str(s, "revision"));
        } else if ((s = describe_get(vol, "glusterfs")) != NULL) {
            describe_w(d, 2,
                       "Type:\tGlusterfs (a Glusterfs mount on the host that "
                       "shares a pod's lifetime)\n    EndpointsName:\t%s\n"
                       "    Path:\t%s\n    ReadOnly:\t%s\n",
                       describe_str(s, "endpoints"), describe_str(s, "path"),
                       describe_tf(s, "readOnly"));
        } else if ((s = describe_get(vol, "azureFile")) != NULL) {
            describe_w(d, 2,
                       "Type:\tAzureFile (an Azure File Service mount on the "
                       "host and bind mount to the pod)\n    SecretName:\t%s\n"
                       "    ShareName:\t%s\n    ReadOnly:\t%s\n",
                       describe_str(s, "secretName"),
                       describe_str(s, "shareName"),
                       describe_tf(s, "readOnly"));
        } else if ((s = describe_get(vol, "image")) != NULL) {
            describe_w(d, 2,
                       "Type:\tImage (a container image or OCI artifact)\n"
                       "    Reference:\t%s\n    PullPolicy:\t%s\n",
                       describe_str(s, "reference"),
                       describe_str(s, "pullPolicy"));
        } else
            describe_w(d, 1, "<unknown>\n");
    }
}

double
describe_quantity(const char *s)
{
    static const struct {
        const char *suffix;
        double      mult;
    } units[] = {
        {"Ki", 1024.0},
        {"Mi", 1048576.0},
        {"Gi", 1073741824.0},
        {"Ti", 1099511627776.0},
        {"Pi", 1125899906842624.0},
        {"Ei", 1152921504606846976.0},
        {"n", 1e-9},
        {"u", 1e-6},
        {"m", 1e-3},
        {"k", 1e3},
        {"M", 1e6},
        {"G", 1e9},
        {"T", 1e12},
        {"P", 1e15},
        {"E", 1e18},
    };
    char  *end;
    double v = strtod(s, &end);

    if (end == s)
        return 0;
    if (*end == '\0')
        return v;
    for (size_t i = 0; i < nitems(units); i++)
        if (strcmp(end, units[i].suffix) == 0)
            return v * units[i].mult;
    return v;
}

/* Adds one requests or limits list (cpu and memory only, positive
 * quantities) into sums; returns which of the two were found (bit 0 cpu,
 * bit 1 memory). */
static int
describe_qos_add(const cJSON *list, double sum[2], int have[2])
{
    static const char *const names[] = {"cpu", "memory"};
    int                      found = 0;

    for (int r = 0; r < 2; r++) {
        const cJSON *q = describe_get(list, names[r]);
        char        *s;
        double       v;

        if (q == NULL)
            continue;
        s = describe_value(q);
        v = describe_quantity(s);
        free(s);
        if (v > 0) {
            sum[r] += v;
            have[r] = 1;
            found |= 1 << r;
        }
    }
    return found;
}

/* kubectl's qos.GetPodQOS (cpu and memory; pod-level resources, when set,
 * decide alone), for pods whose status carries no qosClass. */
char *
describe_qos(const cJSON *pod)
{
    static const char *const lists[] = {"containers", "initContainers"};
    const cJSON             *spec = describe_get(pod, "spec"), *c, *res;
    const char *st = describe_str(describe_get(pod, "status"), "qosClass");
    double      req[2] = {0, 0}, lim[2] = {0, 0};
    int         hreq[2] = {0, 0}, hlim[2] = {0, 0}, guaranteed = 1;
    int         nreq, nlim;

    if (*st != '\0')
        return xstrdup(st);
    if ((res = describe_get(spec, "resources")) != NULL) {
        describe_qos_add(describe_get(res, "requests"), req, hreq);
        if (cJSON_GetArraySize(describe_get(res, "limits")) > 0 &&
            describe_qos_add(describe_get(res, "limits"), lim, hlim) != 3)
            guaranteed = 0;
    } else {
        for (size_t l = 0; l < nitems(lists); l++) {
            cJSON_ArrayForEach(c, describe_get(spec, lists[l]))
            {
                res = describe_get(c, "resources");
                describe_qos_add(describe_get(res, "requests"), req, hreq);
                if (describe_qos_add(describe_get(res, "limits"), lim, hlim) !=
                    3)
                    guaranteed = 0;
            }
        }
    }
    nreq = hreq[0] + hreq[1];
    nlim = hlim[0] + hlim[1];
    if (nreq == 0 && nlim == 0)
        return xstrdup("BestEffort");
    for (int r = 0; r < 2 && guaranteed; r++)
        if (hreq[r] && (!hlim[r] || fabs(req[r] - lim[r]) > 1e-9))
            guaranteed = 0;
    return xstrdup(guaranteed && nreq == nlim ? "Guaranteed" : "Burstable");
}

/* resource.Quantity's canonical text (what quantity.String() prints after
 * kubectl decodes it): "1000m" -> "1", "1024Mi" -> "1Gi", "0.5" -> "500m",
 * "1025Ki" stays binary, small or fractional binary values turn decimal.
 * Unparseable text is returned as is. */
char *
describe_quantity_text(const char *s)
{
    static const char *const dec[] = {"n", "u", "m", "",  "k",
                                      "M", "G", "T", "P", "E"};
    static const char *const bin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    const char              *p = s;
    __int128                 m = 0;
    int                      e = 0, neg = 0, digits = 0, binary = -1;
    int                      expfmt = 0;

    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    for (; *p >= '0' && *p <= '9'; p++, digits++)
        if (m < ((__int128)1 << 100))
            m = m * 10 + (*p - '0');
        else
            e++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (m < ((__int128)1 << 100)) {
                m = m * 10 + (*p - '0');
                e--;
            }
    if (digits == 0)
        return xstrdup(s);
    if (*p == 'e' || *p == 'E') {
        char *end;
        long  x = strtol(p + 1, &end, 10);

        if (end == p + 1 || *end != '\0')
            return xstrdup(s);
        e += (int)x;
        expfmt = 1;
    } else if (*p != '\0') {
        size_t i;

        for (i = 1; i < nitems(bin); i++)
            if (strcmp(p, bin[i]) == 0)
                break;
        if (i < nitems(bin)) {
            binary = (int)i;
            for (int k = 0; k < binary; k++)
                m *= 1024;
        } else {
            for (i = 0; i < nitems(dec); i++)
                if (*dec[i] != '\0' && strcmp(p, dec[i]) == 0)
                    break;
            if (i == nitems(dec))
                return xstrdup(s);
            e += ((int)i - 3) * 3;
        }
    }
    if (m == 0)
        return xstrdup("0");
    while (m % 10 == 0) {
        m /= 10;
        e++;
    }
    /* Nano precision: round up what is finer. */
    if (e < -9) {
        __int128 div = 1;

        for (int k = e; k < -9; k++)
            div *= 10;
        m = (m + div - 1) / div;
        e = -9;
    }
    if (binary >= 0 && e >= 0) {
        __int128 v = m;

        for (int k = 0; k < e; k++)
            v *= 10;
        if (v >= 1024) {
            int k = 0;

            while (k < 6 && v % 1024 == 0) {
                v /= 1024;
                k++;
            }
            return xasprintf("%s%lld%s", neg ? "-" : "", (long long)v, bin[k]);
        }
    }
    {
        int exp3 = e >= 0 ? e / 3 * 3 : -((-e + 2) / 3 * 3);

        if (exp3 > 18)
            exp3 = 18;
        for (int k = exp3; k < e; k++)
            m *= 10;
        if (expfmt)
            return exp3 != 0
                       ? xasprintf("%s%llde%d", neg ? "-" : "", (long long)m,
                                   exp3)
                       : xasprintf("%s%lld", neg ? "-" : "", (long long)m);
        return xasprintf("%s%lld%s", neg ? "-" : "", (long long)m,
                         dec[exp3 / 3 + 3]);
    }
}
