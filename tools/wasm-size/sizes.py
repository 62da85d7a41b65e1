#!/usr/bin/env python3
"""Where the bytes of a .wasm go: code size per function, grouped by module path.

    tools/wasm-size/sizes.py MODULE.wasm [--depth N] [--top N] [--grep TEXT]

MODULE must keep its name section: the cargo output (target/wasm32-unknown-unknown/wasm/
sanalpos_wasm.wasm) or a `wasm-opt -Oz -g` copy of it (what `make wasm-raw` ships, with names).
Groups are the first N `::` segments of each function's demangled path (trait impls are filed
under the implementing type); data segments are listed as one row.
"""
import re
import sys


def leb(b, i):
    result = shift = 0
    while True:
        byte = b[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def sections(b):
    i = 8
    while i < len(b):
        sid = b[i]
        size, i = leb(b, i + 1)
        yield sid, b[i:i + size]
        i += size


def demangle(name):
    """Legacy Rust mangling (`_ZN…E`) to a `::` path without the hash."""
    if name.startswith('_R'):
        # v0 mangling (some std functions): keep the crate and the last identifier.
        crates = [m.group(2)[:int(m.group(1))] for m in re.finditer(r'C(?:s[0-9A-Za-z]*_)?(\d+)([A-Za-z_]\w*)', name)]
        last = re.findall(r'\d+([A-Za-z_]\w*)', name)
        return '::'.join(crates[:1] + ['?'] + last[-1:])
    if not name.startswith('_ZN'):
        return name
    i, parts = 3, []
    while i < len(name) and name[i].isdigit():
        j = i
        while name[j].isdigit():
            j += 1
        n = int(name[i:j])
        part = name[j:j + n]
        parts.append(part[1:] if part.startswith('_$') else part)
        i = j + n
    if parts and re.fullmatch(r'h[0-9a-f]{16}', parts[-1]):
        parts.pop()
    text = '::'.join(parts)
    for a, b in (('$LT$', '<'), ('$GT$', '>'), ('$u20$', ' '), ('$RF$', '&'), ('$C$', ','), ('..', '::'),
                 ('$u7b$', '{'), ('$u7d$', '}'), ('$BP$', '*'), ('$u5b$', '['), ('$u5d$', ']'), ('$SP$', '@')):
        text = text.replace(a, b)
    return text


def group(path, depth):
    # `<a::B as c::D>::f` is filed under `a::B`.
    m = re.match(r'<([^ >]+)(?: as [^>]+)?>::(.*)', path)
    if m:
        path = m.group(1) + '::' + m.group(2)
    path = re.sub(r'^_?<', '', path)
    return '::'.join(path.split('::')[:depth])


def main():
    args = sys.argv[1:]
    depth = int(args[args.index('--depth') + 1]) if '--depth' in args else 3
    top = int(args[args.index('--top') + 1]) if '--top' in args else 40
    grep = args[args.index('--grep') + 1] if '--grep' in args else None
    b = open(args[0], 'rb').read()
    imported, bodies, names, data = 0, [], {}, 0
    for sid, body in sections(b):
        if sid == 2:  # imports: functions among them shift the function indices
            count, i = leb(body, 0)
            for _ in range(count):
                for _ in range(2):
                    n, i = leb(body, i)
                    i += n
                kind = body[i]
                i += 1
                if kind == 0:
                    _, i = leb(body, i)
                    imported += 1
                elif kind == 1:
                    i += 1
                    flags, i = leb(body, i)
                    _, i = leb(body, i)
                    if flags & 1:
                        _, i = leb(body, i)
                elif kind == 2:
                    flags, i = leb(body, i)
                    _, i = leb(body, i)
                    if flags & 1:
                        _, i = leb(body, i)
                else:
                    i += 2
        elif sid == 10:
            count, i = leb(body, 0)
            for _ in range(count):
                size, j = leb(body, i)
                bodies.append(j - i + size)
                i = j + size
        elif sid == 11:
            data += len(body)
        elif sid == 0:
            n, i = leb(body, 0)
            if body[i:i + n] != b'name':
                continue
            i += n
            while i < len(body):
                kind = body[i]
                size, i = leb(body, i + 1)
                if kind == 1:
                    count, j = leb(body, i)
                    for _ in range(count):
                        idx, j = leb(body, j)
                        n, j = leb(body, j)
                        names[idx] = body[j:j + n].decode('utf-8', 'replace')
                        j += n
                i += size
    rows = [(size, demangle(names.get(imported + k, f'func[{imported + k}]'))) for k, size in enumerate(bodies)]
    if grep:
        for size, name in sorted((r for r in rows if grep in r[1]), reverse=True)[:top]:
            print(f'{size:8}  {name}')
        return
    groups = {}
    for size, name in rows:
        g = group(name, depth)
        groups[g] = groups.get(g, 0) + size
    total = sum(bodies) + data
    print(f'{len(b):8}  file ({sum(bodies)} code in {len(bodies)} functions, {data} data)')
    for g, size in sorted(groups.items(), key=lambda kv: -kv[1])[:top]:
        print(f'{size:8}  {100 * size / total:5.1f}%  {g}')


if __name__ == '__main__':
    main()
