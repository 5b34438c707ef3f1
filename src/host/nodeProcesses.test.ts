import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeProcess, inspectorFlagged, inspectorPortOf, listeningPorts, listenerOfPort, listNodeProcesses, looksLikeNode, nodeOptionsOf, parseCmdline,
  parseProcNetTcp, parseStatStartTime, parseStatusUid, pidArgument, readProcess, sigusr1Disabled, socketInodes, socketsOf,
} from './nodeProcesses';

// Rows as Linux prints them: a listener on 127.0.0.1:9229 (0x240D), an established connection to it, a listener on :::3000.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:240D 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5001 1 0000000000000000 100 0 0 10 0
   1: 0100007F:240D 0100007F:C0B6 01 00000000:00000000 00:00000000 00000000  1000        0 5002 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:9C40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 7777 1 0000000000000000 100 0 0 10 0
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5003 1 0000000000000000 100 0 0 10 0
`;

const root = mkdtempSync(path.join(tmpdir(), 'loopscope-proc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fake /proc/PID directory. */
function fakeProcess(pid: number, o: { uid: number; argv: string[]; exe?: string; cwd?: string; env?: string[]; sockets?: string[]; comm?: string; startTime?: number }) {
  const dir = path.join(root, String(pid));
  mkdirSync(path.join(dir, 'fd'), { recursive: true });
  mkdirSync(path.join(dir, 'net'), { recursive: true });
  writeFileSync(path.join(dir, 'status'), `Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t${o.uid}\t${o.uid}\t${o.uid}\t${o.uid}\n`);
  writeFileSync(path.join(dir, 'cmdline'), o.argv.map((a) => `${a}\0`).join(''));
  writeFileSync(path.join(dir, 'environ'), (o.env ?? []).map((a) => `${a}\0`).join(''));
  writeFileSync(path.join(dir, 'stat'), `${pid} (${o.comm ?? 'node'}) S 1 ${pid} ${pid} 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 7 0 ${o.startTime ?? 123456} 1000 100 18446744073709551615\n`);
  writeFileSync(path.join(dir, 'net', 'tcp'), TCP);
  writeFileSync(path.join(dir, 'net', 'tcp6'), TCP6);
  if (o.exe) symlinkSync(o.exe, path.join(dir, 'exe'));
  if (o.cwd) symlinkSync(o.cwd, path.join(dir, 'cwd'));
  (o.sockets ?? []).forEach((inode, i) => symlinkSync(`socket:[${inode}]`, path.join(dir, 'fd', String(20 + i))));
  symlinkSync('/dev/null', path.join(dir, 'fd', '0'));
}

fakeProcess(100, { uid: 1000, argv: ['node', '--inspect-port=0', 'server.js'], exe: '/usr/bin/node', cwd: '/srv/app', sockets: ['5001', '5002', '5003'] });
fakeProcess(101, { uid: 1000, argv: ['sleep', '100'], exe: '/usr/bin/sleep' });
fakeProcess(102, { uid: 0, argv: ['node', 'root.js'], exe: '/usr/bin/node' });
fakeProcess(99, { uid: 1000, argv: ['node', 'newest.js'], exe: '/usr/bin/node', startTime: 999999 }); // pids wrapped: newest, smallest pid
fakeProcess(103, { uid: 1000, argv: ['my title'], exe: '/home/u/.nvm/versions/node/v20.20.2/bin/node (deleted)', env: ['A=1', 'NODE_OPTIONS=--inspect-port=9300 --max-old-space-size=99'] });
fakeProcess(104, { uid: 1000, argv: ['/opt/node20', 'x.mjs'], comm: 'odd) name (x' });
// /proc/net: the namespace's whole table, for finding who holds a port.
mkdirSync(path.join(root, 'net'));
writeFileSync(path.join(root, 'net', 'tcp'), TCP);
writeFileSync(path.join(root, 'net', 'tcp6'), TCP6);

describe('parsers', () => {
  it('reads uid, argv and start time, with a command name holding parentheses and spaces', () => {
    expect(parseStatusUid('Name:\tnode\nUid:\t1000\t1000\t1000\t1000\nGid:\t5\n')).toBe(1000);
    expect(parseStatusUid('Name:\tnode\n')).toBeUndefined();
    expect(parseCmdline('node\0a b.js\0\0x\0')).toEqual(['node', 'a b.js', '', 'x']);
    expect(parseCmdline('')).toEqual([]);
    expect(parseStatStartTime('9 (odd) name (x) S 1 9 9 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 7 0 98765 1000')).toBe('98765');
  });

  it('tells Node binaries from others', () => {
    expect(looksLikeNode('/usr/bin/node', ['whatever'])).toBe(true);
    expect(looksLikeNode('/usr/local/bin/nodejs', [])).toBe(true);
    expect(looksLikeNode('/x/node20 (deleted)', [])).toBe(true);
    expect(looksLikeNode('/usr/bin/sleep', ['node'])).toBe(false); // the executable wins over argv[0]
    expect(looksLikeNode(undefined, ['/usr/bin/node', 'a.js'])).toBe(true);
    expect(looksLikeNode(undefined, ['nodemon'])).toBe(false);
    expect(looksLikeNode(undefined, [])).toBe(false);
  });

  it('parses /proc/net/tcp rows and fd links', () => {
    expect(parseProcNetTcp(TCP)).toEqual([
      { localPort: 9229, remotePort: 0, state: 0x0a, inode: '5001' },
      { localPort: 9229, remotePort: 0xc0b6, state: 0x01, inode: '5002' },
      { localPort: 40000, remotePort: 0, state: 0x0a, inode: '7777' },
    ]);
    expect(parseProcNetTcp(TCP6)).toEqual([{ localPort: 3000, remotePort: 0, state: 0x0a, inode: '5003' }]);
    expect([...socketInodes(['socket:[12]', 'pipe:[13]', '/dev/null', 'socket:[14]'])]).toEqual(['12', '14']);
  });

  it('finds the inspector port Node would use, and a disabled SIGUSR1', () => {
    expect(inspectorPortOf(['node', 'a.js'])).toBe(9229);
    expect(inspectorPortOf(['node', '--inspect-port=0', 'a.js'])).toBe(0);
    expect(inspectorPortOf(['node', '--inspect-port', '9333', 'a.js'])).toBe(9333);
    expect(inspectorPortOf(['node', '--inspect=127.0.0.1:9444', 'a.js'])).toBe(9444);
    expect(inspectorPortOf(['node', 'a.js', '--inspect-port=1'])).toBe(9229); // the program's own argument
    expect(inspectorPortOf(['node', 'a.js'], '--inspect-port=9300 --x')).toBe(9300);
    expect(sigusr1Disabled(['node', '--disable-sigusr1', 'a.js'])).toBe(true);
    expect(sigusr1Disabled(['node', 'a.js'], '--disable-sigusr1')).toBe(true);
    expect(sigusr1Disabled(['node', 'a.js'])).toBe(false);
    expect(inspectorFlagged(['node', '--inspect', 'a.js'])).toBe(true);
    expect(inspectorFlagged(['node', '--inspect-brk=0', 'a.js'])).toBe(true);
    expect(inspectorFlagged(['node', 'a.js'], '--inspect=127.0.0.1:9230')).toBe(true);
    expect(inspectorFlagged(['node', '--inspect-port=0', 'a.js'])).toBe(false); // only where SIGUSR1 would open it
    expect(inspectorFlagged(['node', 'a.js', '--inspect'])).toBe(false); // the program's own argument
  });
});

describe('readers over a /proc tree', () => {
  it('reads one process', () => {
    expect(readProcess(100, root)).toEqual({ pid: 100, uid: 1000, argv: ['node', '--inspect-port=0', 'server.js'], exe: '/usr/bin/node', cwd: '/srv/app', startTime: '123456' });
    expect(readProcess(999, root)).toBeUndefined();
    expect(nodeOptionsOf(103, root)).toBe('--inspect-port=9300 --max-old-space-size=99');
    expect(nodeOptionsOf(100, root)).toBe('');
  });

  it('lists the Node processes of one user, newest first, without the caller', () => {
    expect(listNodeProcesses({ uid: 1000, root }).map((p) => p.pid)).toEqual([99, 104, 103, 100]);
    expect(listNodeProcesses({ uid: 1000, root, exclude: [104, 99] }).map((p) => p.pid)).toEqual([103, 100]);
    expect(listNodeProcesses({ uid: 0, root }).map((p) => p.pid)).toEqual([102]);
  });

  it("finds a process's sockets by inode, not every socket of the namespace", () => {
    expect(socketsOf(100, root).map((s) => s.inode)).toEqual(['5001', '5002', '5003']);
    expect(listeningPorts(100, root)).toEqual([9229, 3000]);
    expect(listeningPorts(101, root)).toEqual([]);
    expect(listenerOfPort(9229, root)).toBe(100);
    expect(listenerOfPort(40000, root)).toBeUndefined(); // nobody visible holds it
    expect(listenerOfPort(1, root)).toBeUndefined();
  });

  it('describes a process for a pick list', () => {
    const p = readProcess(100, root)!;
    expect(describeProcess(p)).toEqual({ label: 'node --inspect-port=0 server.js', description: 'pid 100', detail: '/srv/app' });
    expect(describeProcess({ ...p, argv: ['node', 'x'.repeat(50)] }, 20).label).toBe(`node ${'x'.repeat(14)}…`);
  });
});

describe('pidArgument', () => {
  it('takes a pid as a number, a numeric string or { pid }, and nothing else', () => {
    expect(pidArgument(42)).toBe(42);
    expect(pidArgument(' 42 ')).toBe(42);
    expect(pidArgument({ pid: 7 })).toBe(7);
    for (const bad of [undefined, null, 0, -1, 1.5, '4x', '', {}, { pid: 'x' }, [3]]) expect(pidArgument(bad), String(bad)).toBeUndefined();
  });
});
