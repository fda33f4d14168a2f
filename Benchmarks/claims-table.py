#!/usr/bin/python3
"""Usage: claims-table.py {claim1|claim2} SIZE_MIB TSV_DIR CONFIG...

Prints Benchmarks/claims.sh's tables from the TSV files CONFIG.RUN.tsv in TSV_DIR (the interop `claims`
script's columns: claim run n role ip done_s uploaded downloaded ok), one column group per configuration.
claim1: per N, the last and mean completion (s) and the seeder's upload as x payload, median over runs.
claim2: per run, the reciprocating leechers' median and slowest completion, the free rider's, the free
rider / median ratio, and the seeder's upload as x payload; then the medians over runs.
"""
import csv, glob, os, statistics, sys


def load(tsv_dir, config):
    rows = []
    for path in sorted(glob.glob(os.path.join(tsv_dir, '%s.*.tsv' % config))):
        run = int(path.rsplit('.', 2)[1])
        with open(path) as fh:
            for row in csv.DictReader(fh, delimiter='\t'):
                row['run'] = run
                rows.append(row)
    return rows


def seconds(row):
    return None if row['done_s'] in ('DNF', '-') else float(row['done_s'])


def fmt(x, spec='%.2f'):
    return '-' if x is None else spec % x


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    claim, size, tsv_dir, configs = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4:]
    payload = size * 2**20
    data = {c: load(tsv_dir, c) for c in configs}
    width = 22
    if claim == 'claim1':
        print('\nclaim1 (flash crowd): last / mean completion in s, seeder upload x payload (median of runs; '
              'DNF or a bad copy marks the cell !)')
        print('%-4s' % 'N' + ''.join('%-*s' % (width, c) for c in configs))
        ns = sorted({int(r['n']) for rows in data.values() for r in rows})
        for n in ns:
            cells = []
            for c in configs:
                runs = sorted({r['run'] for r in data[c] if int(r['n']) == n})
                lasts, means, ups, bad = [], [], [], False
                for run in runs:
                    rs = [r for r in data[c] if int(r['n']) == n and r['run'] == run]
                    times = [seconds(r) for r in rs if r['role'] != 'seeder']
                    bad |= None in times or any(r['ok'] != '1' for r in rs)
                    done = [t for t in times if t is not None]
                    if done:
                        lasts.append(max(done)); means.append(statistics.mean(done))
                    seed = [r for r in rs if r['role'] == 'seeder']
                    if seed and seed[0]['uploaded'] not in ('-', ''):
                        ups.append(int(seed[0]['uploaded']) / payload)
                med = lambda xs: statistics.median(xs) if xs else None
                cell = '%s/%s %sx%s' % (fmt(med(lasts), '%.1f'), fmt(med(means), '%.1f'), fmt(med(ups), '%.2f'),
                                        ' !' if bad else '')
                cells.append('%-*s' % (width, cell if runs else '-'))
            print('%-4d' % n + ''.join(cells))
    else:
        print('\nclaim2 (tit-for-tat): reciprocating leechers median / slowest, free rider, free rider / median, '
              'seeder x payload (s)')
        header = '%-13s %-4s %8s %8s %8s %8s %7s  %s' % ('config', 'run', 'median', 'slowest', 'free_rdr',
                                                        'fr/med', 'seed_x', 'ok')
        print(header)
        summary = {}
        for c in configs:
            for run in sorted({r['run'] for r in data[c]}):
                rs = [r for r in data[c] if r['run'] == run]
                lt = [seconds(r) for r in rs if r['role'] == 'leecher']
                fr = [seconds(r) for r in rs if r['role'] == 'free_rider']
                done = [t for t in lt if t is not None]
                median = statistics.median(done) if done else None
                slowest = max(done) if len(done) == len(lt) and done else None
                free = fr[0] if fr else None
                ratio = free / median if free and median else None
                seed = [r for r in rs if r['role'] == 'seeder']
                up = int(seed[0]['uploaded']) / payload if seed and seed[0]['uploaded'] not in ('-', '') else None
                ok = all(r['ok'] == '1' for r in rs)
                summary.setdefault(c, []).append((median, slowest, free, ratio, up))
                print('%-13s %-4d %8s %8s %8s %8s %7s  %s' % (c, run, fmt(median, '%.1f'), fmt(slowest, '%.1f'),
                      fmt(free, '%.1f') if free else 'DNF', fmt(ratio), fmt(up), 'ok' if ok else 'FAILED'))
        print('medians over runs:')
        for c, rows in summary.items():
            cols = []
            for k in range(5):
                xs = [r[k] for r in rows if r[k] is not None]
                cols.append(statistics.median(xs) if xs else None)
            print('%-13s %-4s %8s %8s %8s %8s %7s' % (c, 'all', fmt(cols[0], '%.1f'), fmt(cols[1], '%.1f'),
                  fmt(cols[2], '%.1f'), fmt(cols[3]), fmt(cols[4])))


if __name__ == '__main__':
    main()
