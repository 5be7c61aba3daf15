"""Enumeration benchmark for tpsym.combinat: batch array and iterators vs. a filtering baseline.

Run:  python benchmarks/bench_combinat.py            (about two minutes)
      python benchmarks/bench_combinat.py --quick    (iterators timed on at most 2,000,000 items)

For n = 10..16 it prints the time and rate of
  * noncrossing_array(n)       (the batch form: one int8 array, a row per partition),
  * noncrossing_labels(n)      (the fast lazy iterator: tuples of labels),
  * noncrossing_partitions(n)  (the lazy iterator of NCPartition objects),
and, as the baseline in the same process, the count of NC(n) obtained the
obvious way: generate every set partition (Bell(n) of them) and keep the
non-crossing ones. The baseline runs only while it finishes in reasonable time
(n <= --oracle-max, default 12; Bell(13) = 27,644,437 would take minutes).
The first array call of a process also pays the operating system's first
touch of the memory (noticeable on a virtual machine); the best of --repeat
runs is shown next to the first.
"""

from __future__ import annotations

import argparse
import itertools
import time

from tpsym.combinat import catalan, noncrossing_array, noncrossing_labels, noncrossing_partitions


def filtering_baseline(n: int) -> int:
    """|NC(n)| by filtering all set partitions (restricted-growth strings) with a crossing test."""
    count = 0
    labels = [0] * n

    def crossing(labels: list[int]) -> bool:
        # one pass with a stack of open blocks: a block seen again must be on top
        last = {label: i for i, label in enumerate(labels)}
        seen: set[int] = set()
        stack: list[int] = []
        for i, label in enumerate(labels):
            if label in seen:
                if stack[-1] != label:
                    return True
            else:
                seen.add(label)
                stack.append(label)
            if last[label] == i:
                stack.pop()
        return False

    def walk(i: int, m: int) -> None:
        nonlocal count
        if i == n:
            count += not crossing(labels)
            return
        for c in range(m + 1):
            labels[i] = c
            walk(i + 1, m + (c == m))

    if n == 0:
        return 1
    labels[0] = 0
    walk(1, 1)
    return count


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>12,.0f}/s" if seconds > 0 else "           -"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-n", type=int, default=10)
    parser.add_argument("--max-n", type=int, default=16)
    parser.add_argument("--oracle-max", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="time the iterators on at most 2,000,000 items")
    args = parser.parse_args()
    limit = 2_000_000 if args.quick else None
    object_limit = 1_000_000 if args.quick else 3_000_000

    print("tpsym.combinat enumeration benchmark (times in seconds; rates in partitions per second)")
    print(f"{'n':>3} {'|NC(n)|':>11}  {'array 1st':>9} {'array best':>10} {'array rate':>14}"
          f"  {'labels':>8} {'labels rate':>14}  {'objects':>8} {'objects rate':>14}  {'baseline':>9} {'baseline rate':>14}")
    for n in range(args.min_n, args.max_n + 1):
        total = catalan(n)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            array = noncrossing_array(n)
            times.append(time.perf_counter() - start)
            assert array.shape == (total, n)
            del array
        first, best = times[0], min(times)

        items = total if limit is None else min(total, limit)
        start = time.perf_counter()
        seen = sum(1 for _ in itertools.islice(noncrossing_labels(n), items))
        t_labels = time.perf_counter() - start
        assert seen == items

        objects = min(total, object_limit)
        start = time.perf_counter()
        seen = sum(1 for _ in itertools.islice(noncrossing_partitions(n), objects))
        t_objects = time.perf_counter() - start
        assert seen == objects

        if n <= args.oracle_max:
            start = time.perf_counter()
            assert filtering_baseline(n) == total
            t_base = time.perf_counter() - start
            base = f"{t_base:>9.2f} {rate(total, t_base)}"
        else:
            base = f"{'skipped':>9} {'(too slow)':>14}"
        notes = []
        if items < total:
            notes.append(f"labels timed on the first {items:,}")
        if objects < total:
            notes.append(f"objects timed on the first {objects:,}")
        note = f"  [{'; '.join(notes)}]" if notes else ""
        print(f"{n:>3} {total:>11,}  {first:>9.3f} {best:>10.3f} {rate(total, best)}"
              f"  {t_labels:>8.2f} {rate(items, t_labels)}  {t_objects:>8.2f} {rate(objects, t_objects)}  {base}{note}")
    print(f"baseline: all Bell(n) set partitions filtered by a crossing test, run for n <= {args.oracle_max} only")


if __name__ == "__main__":
    main()
