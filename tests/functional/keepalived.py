"""keepalived in the local cloud's VMs: a real VRRP pair, run privately.

Each instance runs in its VM's network namespace from the Debian package,
in the foreground (so the test owns the process), with its configuration
and pid files in a directory of its own: nothing of the machine's own
keepalived (if any) is read or touched. VRRPv3 with unicast peers, as on
a cloud where multicast between VMs is not wanted.
"""

from __future__ import annotations

import os
import pathlib
import re
import select
import shutil
import signal
import subprocess
import time

from tests.functional import packets

SBIN_PATH = '/usr/local/sbin:/usr/sbin:/sbin'
VIRTUAL_ROUTER_ID = 51


def binary() -> str | None:
    return shutil.which('keepalived', path=SBIN_PATH + ':/usr/bin:/bin')


def unavailable() -> str | None:
    """Why keepalived cannot run here, in one sentence, or None."""
    if binary() is None:
        return ('keepalived is not installed; tools/devcloud start installs '
                'it with the data plane (Debian package keepalived)')
    return None


def require() -> None:
    """Skip (fail, when the cloud is required) without VMs or keepalived."""
    import pytest

    why = packets.unavailable() or unavailable()
    if why:
        if os.environ.get('OSC_PORTSEC_REQUIRE_CLOUD') == '1':
            pytest.fail(why)
        pytest.skip(why)


def config(vm: packets.Vm, peers: list[str], vip: str, priority: int,
           name: str) -> str:
    peer_lines = ''.join(f'        {p}\n' for p in peers)
    return f'''global_defs {{
    router_id {name}
    vrrp_version 3
    script_user root
}}
vrrp_instance {name} {{
    state BACKUP
    interface {vm.interface}
    virtual_router_id {VIRTUAL_ROUTER_ID}
    priority {priority}
    advert_int 1
    unicast_src_ip {vm.ip}
    unicast_peer {{
{peer_lines}    }}
    virtual_ipaddress {{
        {vip}/32 dev {vm.interface}
    }}
}}
'''


class Keepalived:
    """One keepalived process in ``vm``'s namespace."""

    def __init__(self, vm: packets.Vm, peers: list[str], vip: str,
                 priority: int, workdir: pathlib.Path):
        self.vm = vm
        self.vip = vip
        self.dir = workdir / vm.name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.conf = self.dir / 'keepalived.conf'
        self.conf.write_text(config(vm, peers, vip, priority,
                                    f'vip_{vm.name.replace("-", "_")}'))
        self.log = self.dir / 'keepalived.log'
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        keepalived = binary()
        assert keepalived is not None
        with open(self.log, 'ab') as log:
            self.proc = subprocess.Popen(
                ['ip', 'netns', 'exec', self.vm.namespace, keepalived,
                 '--dont-fork', '--log-console', '--log-detail', '--vrrp',
                 '--use-file', str(self.conf),
                 '--pid', str(self.dir / 'keepalived.pid'),
                 '--vrrp_pid', str(self.dir / 'vrrp.pid'),
                 '--checkers_pid', str(self.dir / 'checkers.pid')],
                stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM, as a service stop does: it gives up the VIP."""
        if not self.running():
            return
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """Whatever happened: the whole process group, then reap it."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(10)

    def holds(self) -> bool:
        """Whether the VIP is on this VM's interface now."""
        out = self.vm.sh('ip', '-o', '-4', 'addr', 'show', 'dev',
                         self.vm.interface).stdout
        return f' {self.vip}/' in out


def wait_holder(instances: list[Keepalived], timeout: float
                ) -> Keepalived | None:
    """The one instance holding the VIP, once exactly one holds it."""
    end = time.monotonic() + timeout
    while True:
        holding = [k for k in instances if k.holds()]
        if len(holding) == 1:
            return holding[0]
        if time.monotonic() >= end:
            return None
        time.sleep(0.2)


_REPLY = re.compile(r'^\[(\d+\.\d+)\] \d+ bytes from ')


class Pinger:
    """A steady ping (every 0.1 s) from ``vm`` with timestamped replies."""

    def __init__(self, vm: packets.Vm, address: str, seconds: float):
        self.proc = subprocess.Popen(
            ['ip', 'netns', 'exec', vm.namespace, 'ping', '-n', '-D',
             '-i', '0.1', '-W', '1', '-w', str(int(seconds)), address],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.replies: list[float] = []
        self._buf = b''

    def _read(self, timeout: float) -> None:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return
        chunk = self.proc.stdout.read1(4096)  # type: ignore[attr-defined]
        if not chunk:
            time.sleep(timeout)
            return
        self._buf += chunk
        *lines, self._buf = self._buf.split(b'\n')
        for line in lines:
            match = _REPLY.match(line.decode('ascii', 'replace'))
            if match:
                self.replies.append(float(match.group(1)))

    def reply_after(self, moment: float, timeout: float) -> float | None:
        """Wall-clock time of the first reply after ``moment``."""
        end = time.monotonic() + timeout
        while True:
            later = [t for t in self.replies if t > moment]
            if later:
                return later[0]
            if time.monotonic() >= end or self.proc.poll() is not None:
                self._read(0)
                later = [t for t in self.replies if t > moment]
                return later[0] if later else None
            self._read(0.1)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()
