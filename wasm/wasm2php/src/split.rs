//! Splits the translated functions into parts (one PHP class and file each, loaded on the first
//! call into it), so that a request compiles only the code it runs.
//!
//! Grouping follows the dominator tree of the call graph: a function dominated by `f` is only
//! ever called through `f`, so it is wanted exactly when `f`'s part is. Subtrees are packed
//! bottom up into parts of about `limit` bytes of PHP; siblings that do not fit their parent's
//! part are packed together in the order a depth-first walk from the exports meets them, which
//! keeps functions that run together (one operation's helpers) in the same part.

/// Groups functions `0..sizes.len()` into parts. `callees[f]` are the functions `f` calls
/// directly; `roots` are the functions called from outside or indirectly (exports, the start
/// function, table elements), in the order the walk should meet them.
pub fn parts(sizes: &[usize], callees: &[Vec<u32>], roots: &[u32], limit: usize) -> Vec<Vec<u32>> {
    let n = sizes.len();
    let root = n; // a virtual caller of every root
    let successors = |v: usize| -> &[u32] {
        if v == root {
            roots
        } else {
            &callees[v]
        }
    };

    // Depth-first walk from the root: preorder (to order siblings) and postorder (for dominators).
    let mut pre = vec![usize::MAX; n + 1];
    let mut post = vec![usize::MAX; n + 1];
    let mut order = Vec::with_capacity(n + 1); // nodes by postorder
    let mut stack = vec![(root, 0usize)];
    pre[root] = 0;
    let mut visited = 1;
    while let Some((v, next)) = stack.last_mut() {
        let v = *v;
        match successors(v).get(*next) {
            Some(&w) => {
                *next += 1;
                let w = w as usize;
                if pre[w] == usize::MAX {
                    pre[w] = visited;
                    visited += 1;
                    stack.push((w, 0));
                }
            }
            None => {
                post[v] = order.len();
                order.push(v);
                stack.pop();
            }
        }
    }

    // Immediate dominators (Cooper, Harvey and Kennedy, "A Simple, Fast Dominance Algorithm").
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    for v in (0..=n).filter(|&v| pre[v] != usize::MAX) {
        for &w in successors(v) {
            preds[w as usize].push(v);
        }
    }
    let mut idom = vec![usize::MAX; n + 1];
    idom[root] = root;
    let intersect = |idom: &[usize], mut a: usize, mut b: usize| {
        while a != b {
            while post[a] < post[b] {
                a = idom[a];
            }
            while post[b] < post[a] {
                b = idom[b];
            }
        }
        a
    };
    let mut changed = true;
    while changed {
        changed = false;
        for &v in order.iter().rev().filter(|&&v| v != root) {
            let mut new = usize::MAX;
            for &p in preds[v].iter().filter(|&&p| idom[p] != usize::MAX) {
                new = if new == usize::MAX { p } else { intersect(&idom, p, new) };
            }
            if new != usize::MAX && idom[v] != new {
                idom[v] = new;
                changed = true;
            }
        }
    }

    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    for v in (0..n).filter(|&v| idom[v] != usize::MAX) {
        children[idom[v]].push(v);
    }
    for c in &mut children {
        c.sort_by_key(|&v| pre[v]);
    }

    let mut packer = Packer { sizes, children: &children, limit, parts: Vec::new() };
    let (top, _) = packer.pack(root);
    if !top.is_empty() {
        packer.parts.push(top);
    }
    // Functions nothing reaches still need a home (they are never loaded).
    let mut unreached = Packer { sizes, children: &children, limit, parts: Vec::new() };
    let mut bucket = Bucket::default();
    for v in (0..n).filter(|&v| pre[v] == usize::MAX) {
        unreached.add(&mut bucket, vec![v as u32], sizes[v]);
    }
    unreached.flush(bucket);
    let mut parts = packer.parts;
    parts.extend(unreached.parts);
    for part in &mut parts {
        part.sort_unstable();
    }
    parts
}

#[derive(Default)]
struct Bucket {
    functions: Vec<u32>,
    size: usize,
}

struct Packer<'a> {
    sizes: &'a [usize],
    children: &'a [Vec<usize>],
    limit: usize,
    parts: Vec<Vec<u32>>,
}

impl Packer<'_> {
    /// Packs the dominator subtree of `v`: returns the functions that go with `v` (at most about
    /// `limit` bytes, for its caller to place) and emits full parts for the rest.
    fn pack(&mut self, v: usize) -> (Vec<u32>, usize) {
        let mut own = Bucket::default();
        if v < self.sizes.len() {
            own = Bucket { functions: vec![v as u32], size: self.sizes[v] };
        }
        let mut spill = Bucket::default();
        for &child in &self.children[v] {
            let (functions, size) = self.pack(child);
            if own.size + size <= self.limit {
                own.functions.extend(functions);
                own.size += size;
            } else {
                self.add(&mut spill, functions, size);
            }
        }
        self.flush(spill);
        (own.functions, own.size)
    }

    /// Adds functions to `bucket`, first emitting it as a part when they would not fit.
    fn add(&mut self, bucket: &mut Bucket, functions: Vec<u32>, size: usize) {
        if bucket.size + size > self.limit {
            self.flush(std::mem::take(bucket));
        }
        bucket.functions.extend(functions);
        bucket.size += size;
    }

    fn flush(&mut self, bucket: Bucket) {
        if !bucket.functions.is_empty() {
            self.parts.push(bucket.functions);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parts;

    #[test]
    fn dominated_functions_share_their_dominators_part() {
        // 0 → 1 → {2, 3}; 0 → 4 → 3; 5 is never called. 3 is reached through 1 and 4: only 0
        // dominates it. With room for two functions per part, 1 keeps 2.
        let callees = vec![vec![1, 4], vec![2, 3], vec![], vec![], vec![3], vec![]];
        let parts = parts(&[1; 6], &callees, &[0], 2);
        let part_of = |f: u32| parts.iter().position(|p| p.contains(&f)).expect("every function has a part");
        assert_eq!(part_of(1), part_of(2));
        assert_ne!(part_of(5), part_of(0));
        let mut all: Vec<u32> = parts.concat();
        all.sort_unstable();
        assert_eq!(all, vec![0, 1, 2, 3, 4, 5]);
        assert!(parts.iter().all(|p| p.len() <= 2));
    }
}
