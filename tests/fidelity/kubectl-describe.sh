#!/bin/bash
# The real kubectl describes kpod-sim's pods: http-go (running, events
# from scheduler and kubelet, filtered by involvedObject), and the demo's
# busybox liveness-exec after its probe failed and the kubelet restarted it
# (Unhealthy with the cat error, Killing, Last State, Restart Count,
# aggregated "(xN over T)" events).
source "$TESTLIB"
isolated_home
export TZ=UTC
start_sim describe --scenario demo

restarts() { # POD
	kc get pod "$1" -o jsonpath='{.status.containerStatuses[0].restartCount}'
}
running() {
	[ "$(kc get pod "$1" -o jsonpath='{.status.phase}')" = Running ]
}
wait_for 60 running http-go || fail "http-go never Running"
started_event() {
	[ -n "$(kc get events --field-selector involvedObject.name=http-go,reason=Started -o name)" ]
}
wait_for 60 started_event || fail "no Started event for http-go"

kc describe pod http-go >"$TEST_TMP/http-go.txt" || fail "describe http-go"
cat "$TEST_TMP/http-go.txt"
d="$TEST_TMP/http-go.txt"
grep -Eq '^Name: +http-go$' "$d" || fail "Name"
grep -Eq '^Node: +worker-node[0-9]/172\.18\.0\.[0-9]+$' "$d" || fail "Node"
grep -Eq '^Status: +Running$' "$d" || fail "Status"
grep -Eq '^IP: +10\.244\.' "$d" || fail "IP"
grep -Eq '^    Image: +gasbugs/http-go$' "$d" || fail "Image"
grep -Eq '^    Port: +8080/TCP$' "$d" || fail "Port"
grep -Eq '^    State: +Running$' "$d" || fail "State"
grep -Eq '^    Ready: +True$' "$d" || fail "Ready"
grep -Eq '^QoS Class: +BestEffort$' "$d" || fail "QoS"
grep -Eq 'Normal +Scheduled +[0-9]+s +default-scheduler +Successfully assigned default/http-go to worker-node[0-9]' "$d" ||
	fail "Scheduled event"
grep -Eq 'Normal +Pulled +[0-9]+s +kubelet +Successfully pulled image "gasbugs/http-go" in [0-9.]+s' "$d" ||
	fail "Pulled event"
grep -Eq 'Normal +Started +[0-9]+s +kubelet +Started container http-go' "$d" || fail "Started event"
# the server filters events by involvedObject: none of another pod
if grep -q 'nginx' "$d"; then fail "events of other pods leaked into describe"; fi
pass "describe http-go"

# liveness-exec: /tmp/healthy is removed after 30 s; the probe (every 5 s,
# 3 failures) then fails and the kubelet restarts the container
wait_for 150 sh -c "[ \"\$(/usr/bin/kubectl --kubeconfig '$SIM_KUBECONFIG' get pod liveness-exec -o jsonpath='{.status.containerStatuses[0].restartCount}')\" -ge 1 ]" ||
	fail "liveness-exec was never restarted (restarts=$(restarts liveness-exec))"
kc describe pod liveness-exec >"$TEST_TMP/liveness.txt" || fail "describe liveness-exec"
cat "$TEST_TMP/liveness.txt"
d="$TEST_TMP/liveness.txt"
grep -Eq '^    Liveness: +exec \[cat /tmp/healthy\] delay=5s timeout=1s period=5s #success=1 #failure=3$' "$d" ||
	fail "Liveness line"
grep -Eq '^    Last State: +Terminated$' "$d" || fail "Last State"
grep -Eq '^      Reason: +Error$' "$d" || fail "Last State reason"
grep -Eq '^      Exit Code: +137$' "$d" || fail "Exit Code"
grep -Eq '^    Restart Count: +[1-9]' "$d" || fail "Restart Count"
grep -Eq "Warning +Unhealthy +[0-9]+s \(x[3-9] over [0-9]+s\) +kubelet +Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory" "$d" ||
	fail "aggregated Unhealthy event"
grep -Eq 'Normal +Killing +[0-9]+s +kubelet +Container liveness failed liveness probe, will be restarted' "$d" ||
	fail "Killing event"
grep -Eq 'Normal +Pulling +[0-9]+s \(x2 over [0-9]+s\) +kubelet +Pulling image "registry.k8s.io/busybox"' "$d" ||
	fail "re-pull on restart"
pass "describe liveness-exec after a restart"
