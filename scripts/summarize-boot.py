#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one test boot from its serial console log.

Counts as tests: every KUnit case (parsed with the tree's kunit.py), every
"GMEMTEST: ok|not ok|skip NAME" the guest init printed, and two checks of the
boot itself: it finished its plan ("completed") and the kernel printed no
splat ("no-splat").  Prints one line per test, the output of each failure,
writes "passed failed skipped" to RESULT, and exits 1 if any test failed.
"""

import argparse
import json
import re
import subprocess
import sys

KERNEL_LINE = re.compile(r'^\[\s*\d+\.\d+\]\s?(.*)$')
SPLATS = re.compile(
    r'WARNING:|BUG:|kernel BUG at|Oops|general protection fault|'
    r'Kernel panic|UBSAN:|KASAN:|DEBUG_LOCKS_WARN_ON|'
    r'INFO: (possible|task|rcu|trying|lockdep|suspicious)|Call Trace:|'
    r'list_(add|del) corruption')
RESULT = re.compile(r'^GMEMTEST: (ok|not ok|skip) (\S+)( \(.*\))?$')


class Tally:
    def __init__(self, boot):
        self.boot = boot
        self.counts = {'passed': 0, 'failed': 0, 'skipped': 0}

    def report(self, status, name, detail=None):
        key = {'ok': 'passed', 'not ok': 'failed', 'skip': 'skipped'}[status]
        self.counts[key] += 1
        label = {'ok': 'PASS', 'not ok': 'FAIL', 'skip': 'SKIP'}[status]
        print(f'{label:4}  {self.boot}: {name}')
        if detail and status == 'not ok':
            for line in detail[-60:]:
                print(f'      | {line}')


def kunit_cases(group, prefix=''):
    """Yield (name, status) for every leaf case of a kunit_json group."""
    name = group.get('name', '')
    here = prefix if name == 'KUnit Test Group' else f'{prefix}{name}.'
    for case in group.get('test_cases', []):
        yield f'{here}{case["name"]}', case['status']
    for sub in group.get('sub_groups', []):
        yield from kunit_cases(sub, here)


def judge_kunit(tally, log, tree):
    proc = subprocess.run(
        [sys.executable, f'{tree}/tools/testing/kunit/kunit.py', 'parse',
         '--json', log], capture_output=True, text=True, check=False)
    start = proc.stdout.find('\n{')
    try:
        data = json.loads(proc.stdout[start + 1:]) if start >= 0 else None
    except json.JSONDecodeError:
        data = None
    cases = list(kunit_cases(data)) if data else []
    if not cases:
        tally.report('not ok', 'kunit (no KUnit results in the log)',
                     proc.stdout.splitlines())
        return
    for name, status in cases:
        st = {'PASS': 'ok', 'SKIP': 'skip'}.get(status, 'not ok')
        tally.report(st, f'kunit {name}', [f'status {status}'])


def guest_output(lines, name):
    """The console lines between "begin NAME" and the result of NAME."""
    out, inside = [], False
    for line in lines:
        if line == f'GMEMTEST: begin {name}':
            out, inside = [], True
        elif inside and (RESULT.match(line) or line.startswith('GMEMTEST:')):
            inside = False
        elif inside:
            out.append(line)
    return out


def unfinished_test(lines):
    """The test that began last and printed no result, if any."""
    running = None
    for line in lines:
        if line.startswith('GMEMTEST: begin '):
            running = line.split()[2]
        elif RESULT.match(line):
            running = None
    return running


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('log')
    ap.add_argument('boot')
    ap.add_argument('tree')
    ap.add_argument('result')
    ap.add_argument('--kunit', action='store_true',
                    help='this boot must print KUnit results')
    args = ap.parse_args()

    with open(args.log, errors='backslashreplace') as f:
        lines = [l.rstrip('\r\n') for l in f]
    tally = Tally(args.boot)

    if args.kunit:
        judge_kunit(tally, args.log, args.tree)

    for line in lines:
        m = RESULT.match(line)
        if m:
            tally.report(m.group(1), m.group(2) + (m.group(3) or ''),
                         guest_output(lines, m.group(2)))

    unfinished = unfinished_test(lines)
    if unfinished:
        tally.report('not ok', f'{unfinished} (started, never finished: '
                     'the guest hung or crashed in it)',
                     guest_output(lines, unfinished) + lines[-10:])

    splats = [i for i, l in enumerate(lines)
              if (m := KERNEL_LINE.match(l)) and SPLATS.search(m.group(1))]
    if splats:
        first = splats[0]
        tally.report('not ok', 'no-splat', lines[max(0, first - 5):first + 40])
    else:
        tally.report('ok', 'no-splat')

    if any(l.startswith('GMEMTEST: done') for l in lines):
        tally.report('ok', 'completed')
    else:
        why = [l for l in lines if l.startswith('GMEMTEST-HOST:')]
        tally.report('not ok', 'completed (guest hung, crashed or timed out; '
                     f'log: {args.log})', why + lines[-30:])

    with open(args.result, 'w') as f:
        c = tally.counts
        f.write(f'{c["passed"]} {c["failed"]} {c["skipped"]}\n')
    return 1 if tally.counts['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
