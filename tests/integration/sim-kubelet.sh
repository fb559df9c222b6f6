#!/bin/bash
# kpod-sim's simulated kubelet, checked through the API with curl: crashes
# lead to CrashLoopBackOff with restarts, unknown images to ErrImagePull and
# ImagePullBackOff, finished containers to Succeeded/Failed, init containers
# run first, readiness probes and kpod-sim/ready-flap flip READY, and the
# events say so.
source "$TESTLIB"
PY=/usr/bin/python3
start_sim k
api="$SIM_URL/api/v1/namespaces/default/pods"

create() { # JSON
	local code
	code=$(curl -s -o "$TEST_TMP/c.json" -w '%{http_code}' -X POST \
		-H 'Content-Type: application/json' "$api" -d "$1")
	[ "$code" = 201 ] || fail "create gave $code: $(cat "$TEST_TMP/c.json")"
}
# podq NAME PYTHON-EXPR-ON-p: true when the expression holds
podq() {
	curl -sf "$api/$1" >"$TEST_TMP/q-$1.json" || return 1
	$PY -c "
import json, sys
p = json.load(open(sys.argv[1]))
st = p.get('status', {})
cs = (st.get('containerStatuses') or [{}])[0]
cond = {c['type']: c['status'] for c in st.get('conditions', [])}
sys.exit(0 if ($2) else 1)" "$TEST_TMP/q-$1.json"
}
events_of() { # NAME
	curl -sf "$SIM_URL/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3D$1" |
		$PY -c 'import json,sys; [print(e["type"], e["reason"], e.get("count", 1), e["message"]) for e in json.load(sys.stdin)["items"]]'
}

create '{"metadata":{"name":"crash","annotations":{"kpod-sim/crash-after":"1","kpod-sim/exit-code":"2"}},"spec":{"containers":[{"name":"c","image":"busybox:1.36","command":["sh","-c","sleep 3600"]}]}}'
create '{"metadata":{"name":"badimg"},"spec":{"containers":[{"name":"c","image":"nginx:no-such-tag"}]}}'
create '{"metadata":{"name":"ok-job"},"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox:1.36","command":["sh","-c","echo done; sleep 1; exit 0"]}]}}'
create '{"metadata":{"name":"bad-job"},"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox:1.36","command":["sh","-c","exit 3"]}]}}'
create '{"metadata":{"name":"init"},"spec":{"initContainers":[{"name":"setup","image":"busybox:1.36","command":["sh","-c","sleep 4"]}],"containers":[{"name":"c","image":"nginx:1.25"}]}}'
create '{"metadata":{"name":"pending","annotations":{"kpod-sim/unschedulable":"true"}},"spec":{"containers":[{"name":"c","image":"nginx:1.25"}]}}'
create '{"metadata":{"name":"unready"},"spec":{"containers":[{"name":"c","image":"nginx:1.25","ports":[{"containerPort":80}],"readinessProbe":{"tcpSocket":{"port":81},"periodSeconds":1,"failureThreshold":1}}]}}'
create '{"metadata":{"name":"flap","annotations":{"kpod-sim/ready-flap":"2"}},"spec":{"containers":[{"name":"c","image":"nginx:1.25"}]}}'

# first, while its init container still sleeps
wait_for 60 podq init "st['phase'] == 'Pending' and cs['state']['waiting']['reason'] == 'PodInitializing' and st['initContainerStatuses'][0]['state'].get('running')" ||
	fail "init pod while initialising: $(cat "$TEST_TMP/q-init.json")"
podq crash 'True' || fail "crash pod missing"
wait_for 60 podq crash "st['phase'] == 'Running' and cs.get('state', {}).get('waiting', {}).get('reason') == 'CrashLoopBackOff' and cs['restartCount'] >= 1 and cs['lastState']['terminated']['exitCode'] == 2 and cs['lastState']['terminated']['reason'] == 'Error'" ||
	fail "no CrashLoopBackOff: $(cat "$TEST_TMP/q-crash.json")"
grep -q '^Warning BackOff [0-9]* Back-off restarting failed container c in pod crash_default(' <<<"$(events_of crash)" ||
	fail "no BackOff event: $(events_of crash)"
pass "crash -> CrashLoopBackOff with restarts and a BackOff event"

wait_for 60 podq badimg "cs.get('state', {}).get('waiting', {}).get('reason') == 'ImagePullBackOff' and cs['ready'] is False and st['phase'] == 'Pending'" ||
	fail "no ImagePullBackOff: $(cat "$TEST_TMP/q-badimg.json")"
ev=$(events_of badimg)
grep -q '^Warning Failed [0-9]* Failed to pull image "nginx:no-such-tag": .*not found' <<<"$ev" ||
	fail "no pull failure event: $(events_of badimg)"
grep -q '^Warning Failed [0-9]* Error: ImagePullBackOff' <<<"$ev" || fail "no ImagePullBackOff event"
pass "unknown image -> ErrImagePull, ImagePullBackOff"

wait_for 60 podq ok-job "st['phase'] == 'Succeeded' and cs['state']['terminated']['reason'] == 'Completed' and cs['state']['terminated']['exitCode'] == 0 and cond['Ready'] == 'False'" ||
	fail "ok-job not Succeeded: $(cat "$TEST_TMP/q-ok-job.json")"
wait_for 60 podq bad-job "st['phase'] == 'Failed' and cs['state']['terminated']['reason'] == 'Error' and cs['state']['terminated']['exitCode'] == 3 and cs['restartCount'] == 0" ||
	fail "bad-job not Failed: $(cat "$TEST_TMP/q-bad-job.json")"
pass "finished containers: Succeeded and Failed"

wait_for 60 podq init "st['phase'] == 'Running' and cs['ready'] and st['initContainerStatuses'][0]['state']['terminated']['reason'] == 'Completed' and cond['Initialized'] == 'True'" ||
	fail "init pod: $(cat "$TEST_TMP/q-init.json")"
pass "init containers run to completion first"

wait_for 60 podq unready "st['phase'] == 'Running' and 'running' in cs['state']" || fail "unready not running"
podq unready "cs['ready'] is False and cond['Ready'] == 'False'" || fail "unready is ready"
unready_event() {
	grep -q 'Readiness probe failed: dial tcp 10.244.[0-9.]*:81: connect: connection refused' <<<"$(events_of unready)"
}
wait_for 60 unready_event ||
	fail "no readiness failure event: $(events_of unready)"
pass "a failing readiness probe keeps READY false"

wait_for 60 podq flap "cond.get('Ready') == 'True'" || fail "flap never ready"
wait_for 60 podq flap "cond.get('Ready') == 'False'" || fail "flap never unready"
wait_for 60 podq flap "cond.get('Ready') == 'True'" || fail "flap never ready again"
pass "kpod-sim/ready-flap flips READY"

podq pending "st['phase'] == 'Pending' and 'nodeName' not in p['spec'] and cond['PodScheduled'] == 'False' and [c for c in st['conditions'] if c['type'] == 'PodScheduled'][0]['reason'] == 'Unschedulable'" ||
	fail "unschedulable pod: $(cat "$TEST_TMP/q-pending.json")"
grep -q '^Warning FailedScheduling 1 0/3 nodes are available: 3 Insufficient cpu' <<<"$(events_of pending)" ||
	fail "no FailedScheduling: $(events_of pending)"
pass "kpod-sim/unschedulable stays Pending with FailedScheduling"
