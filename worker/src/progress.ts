/**
 * Progress as whole percentages, reported when it has moved 5 points or 2 s have passed since the
 * last report, whichever comes first, and never backwards.
 */
export function throttledProgress(
  report: (percent: number) => void,
  now: () => number = Date.now,
): (fraction: number) => void {
  let last = -1;
  let lastAt = now();
  return (fraction) => {
    const percent = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
    if (percent <= last) return;
    if (percent - last >= 5 || now() - lastAt >= 2000 || percent === 100) {
      last = percent;
      lastAt = now();
      report(percent);
    }
  };
}
