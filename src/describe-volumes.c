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
            char        *l = lim != NULL ? describe_value(lim) : NULL;

            describe_w(d, 2,
                       "Type:\tEmptyDir (a temporary directory that shares a "
                       "pod's lifetime)\n    Medium:\t%s\n    SizeLimit:\t%s\n",
                       describe_str(s, "medium"),
                       l != NULL && describe_quantity(l) > 0 ? l : "<unset>");
            free(l);
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
        } else if ((s = describe_get(vol, "ephemeral")) != NULL) {
            describe_w(d, 2,
                       "Type:\tEphemeralVolume (an inline specification "
                       "for a volume that gets created and deleted with "
                       "the pod)\n");
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

/* The container's cpu/memory quantity in requests or limits, 0 if unset. */
static double
describe_res(const cJSON *c, const char *kind, const char *name, int *set)
{
    const cJSON *q =
        describe_get(describe_get(describe_get(c, "resources"), kind), name);
    char  *s;
    double v;

    if (q == NULL) {
        *set = 0;
        return 0;
    }
    s = describe_value(q);
    v = describe_quantity(s);
    free(s);
    *set = v != 0;
    return v;
}

/* GetPodQOS for cpu and memory over all init and app containers. */
char *
describe_qos(const cJSON *pod)
{
    static const char *const lists[] = {"containers", "initContainers"};
    static const char *const names[] = {"cpu", "memory"};
    const cJSON             *spec = describe_get(pod, "spec"), *c;
    const char *st = describe_str(describe_get(pod, "status"), "qosClass");
    double      req[2] = {0, 0}, lim[2] = {0, 0};
    int         any = 0, guaranteed = 1;

    if (*st != '\0')
        return xstrdup(st);
    for (size_t l = 0; l < nitems(lists); l++) {
        cJSON_ArrayForEach(c, describe_get(spec, lists[l]))
        {
            int nlim = 0;

            for (int r = 0; r < 2; r++) {
                int    set;
                double v = describe_res(c, "requests", names[r], &set);

                if (set) {
                    req[r] += v;
                    any = 1;
                }
                v = describe_res(c, "limits", names[r], &set);
                if (set) {
                    lim[r] += v;
                    any = 1;
                    nlim++;
                }
            }
            if (nlim != 2)
                guaranteed = 0;
        }
    }
    if (!any)
        return xstrdup("BestEffort");
    if (guaranteed) {
        /* Unset requests default to limits. */
        for (int r = 0; r < 2; r++)
            if (req[r] != 0 && fabs(req[r] - lim[r]) > 1e-9)
                guaranteed = 0;
    }
    return xstrdup(guaranteed ? "Guaranteed" : "Burstable");
}
