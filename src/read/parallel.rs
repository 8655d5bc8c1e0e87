//! Map over a slice on every core, keeping order. Small inputs (one spec,
//! the common case) run on the calling thread: no threads, no overhead.

use std::num::NonZeroUsize;

/// Below this many items, threads cost more than they save.
const MIN_PER_THREAD: usize = 16;

pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() < 2 * MIN_PER_THREAD {
        // Not even two threads' worth; asking for the core count would read
        // cgroup files for nothing.
        return items.iter().map(f).collect();
    }
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let threads = cores.min(items.len() / MIN_PER_THREAD).max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_for_small_and_large_inputs() {
        for n in [0, 1, 15, 16, 100, 1001] {
            let items: Vec<usize> = (0..n).collect();
            assert_eq!(
                super::map(&items, |x| x * 2),
                items.iter().map(|x| x * 2).collect::<Vec<_>>()
            );
        }
    }
}
