"""By default the port answers on the instance's loopback only, not on its other addresses."""

from __future__ import annotations

import json

PROBE = (
    "import json, socket, sys\n"
    "out = {}\n"
    "for addr in sys.argv[1:]:\n"
    "    try:\n"
    "        socket.create_connection((addr, 27017), timeout=5).close()\n"
    "        out[addr] = 'open'\n"
    "    except OSError as err:\n"
    "        out[addr] = type(err).__name__\n"
    "print(json.dumps(out))\n"
)


def test_port_27017_is_loopback_only(host):
    # The instance's own address on its network (eth0): a container this test run created.
    eth0 = host.interface("eth0").addresses[0]
    assert eth0 != "127.0.0.1"
    result = host.run("python3 -c %s 127.0.0.1 %s", PROBE, eth0)
    assert result.rc == 0, result.stderr
    state = json.loads(result.stdout)
    assert state["127.0.0.1"] == "open"
    assert state[eth0] == "ConnectionRefusedError"
