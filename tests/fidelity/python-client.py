"""Debian's python3-kubernetes against kpod-sim (run by python-client.sh).

list + watch, exec with stream() (v4.channel.k8s.io, exit code through
returncode), and portforward() to http-go:8080 (Welcome! http-go).
Usage: python-client.py KUBECONFIG
"""
import json
import sys
import threading
import time

from kubernetes import client, config, watch
from kubernetes.stream import portforward, stream


def check(cond, what):
    if not cond:
        print("FAIL: " + what, file=sys.stderr)
        sys.exit(1)
    print("ok: " + what)


def main():
    config.load_kube_config(config_file=sys.argv[1])
    v1 = client.CoreV1Api()

    pods = v1.list_namespaced_pod("default")
    names = [p.metadata.name for p in pods.items]
    check("http-go" in names and "nginx" in names,
          "list pods has http-go and nginx (%s)" % names)
    rv = pods.metadata.resource_version

    # watch from the list's resourceVersion; a pod created meanwhile
    # arrives as ADDED
    seen = []

    def create():
        time.sleep(0.2)
        v1.create_namespaced_pod("default", {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "py-watched"},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]}})

    t = threading.Thread(target=create)
    t.start()
    w = watch.Watch()
    deadline = time.time() + 60
    for ev in w.stream(v1.list_namespaced_pod, "default",
                       resource_version=rv, timeout_seconds=60):
        seen.append((ev["type"], ev["object"].metadata.name))
        if ev["type"] == "ADDED" and ev["object"].metadata.name == "py-watched":
            w.stop()
        if time.time() > deadline:
            w.stop()
    t.join()
    check(("ADDED", "py-watched") in seen, "watch sees the created pod")

    # exec: output and exit code
    resp = stream(v1.connect_get_namespaced_pod_exec, "http-go", "default",
                  command=["sh", "-c", "echo hi; echo oops >&2; exit 3"],
                  stderr=True, stdin=False, stdout=True, tty=False,
                  _preload_content=False)
    resp.run_forever(timeout=30)
    check(not resp.is_open(), "exec session closed by the server")
    check(resp.read_stdout() == "hi\n", "exec stdout")
    check(resp.read_stderr() == "oops\n", "exec stderr")
    check(resp.returncode == 3, "exec returncode 3 (got %r)" % resp.returncode)

    out = stream(v1.connect_get_namespaced_pod_exec, "http-go", "default",
                 command=["curl", "-s", "127.0.0.1:8080"],
                 stderr=True, stdin=False, stdout=True, tty=False)
    check(out.strip() == "Welcome! http-go", "exec curl (%r)" % out)

    # exec with stdin
    resp = stream(v1.connect_get_namespaced_pod_exec, "http-go", "default",
                  command=["sh"], stderr=True, stdin=True, stdout=True,
                  tty=False, _preload_content=False)
    resp.write_stdin("echo from-stdin\nexit 5\n")
    resp.run_forever(timeout=30)
    check(resp.read_stdout() == "from-stdin\n", "exec sh reads stdin")
    check(resp.returncode == 5, "exec sh exit 5 (got %r)" % resp.returncode)

    # an interactive shell on a tty: prompt, echo, resize on channel 4
    resp = stream(v1.connect_get_namespaced_pod_exec, "http-go", "default",
                  command=["sh"], stderr=True, stdin=True, stdout=True,
                  tty=True, _preload_content=False)
    resp.write_channel(4, json.dumps({"Width": 100, "Height": 40}))
    resp.write_stdin("stty size\r")
    seen = ""
    deadline = time.time() + 30
    while "40 100" not in seen and resp.is_open() and time.time() < deadline:
        resp.update(timeout=1)
        seen += resp.read_stdout(timeout=0) or ""
    check("/ # stty size\r\n40 100\r\n" in seen,
          "tty shell: prompt, echo and the resized size (%r)" % seen)
    resp.write_stdin("exit 4\r")
    resp.run_forever(timeout=30)
    check(resp.returncode == 4, "tty shell exit 4 (got %r)" % resp.returncode)

    # port-forward: one WebSocket per connection
    for attempt in range(2):
        pf = portforward(v1.connect_get_namespaced_pod_portforward,
                         "http-go", "default", ports="8080")
        sock = pf.socket(8080)
        sock.setblocking(True)
        sock.settimeout(30)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n"
                     b"Connection: close\r\n\r\n")
        data = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        sock.close()
        check(pf.error(8080) is None, "port-forward has no error")
        check(data.startswith(b"HTTP/1.1 200 OK\r\n") and
              data.endswith(b"\r\n\r\nWelcome! http-go\n"),
              "port-forward %d to http-go:8080 (%r)" % (attempt, data[-40:]))
        pf.close()

    # a port nobody listens on: the error channel says so
    pf = portforward(v1.connect_get_namespaced_pod_portforward,
                     "http-go", "default", ports="9999")
    sock = pf.socket(9999)
    sock.settimeout(30)
    try:
        got = sock.recv(1)
    except OSError:
        got = b""
    err = pf.error(9999)
    check(got == b"" and err is not None and
          err.startswith("error forwarding port 9999 to pod http-go"),
          "port-forward to a closed port reports %r" % err)
    pf.close()


if __name__ == "__main__":
    main()
