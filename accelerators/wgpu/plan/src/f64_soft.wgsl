// IEEE 754 binary64 in 32-bit integer arithmetic, for GPUs without f64 shaders (Metal,
// WebGPU, many mobile and integrated GPUs): R is the value's bits as vec2<u32>(low word,
// high word), exactly the bytes of an f64. Addition and multiplication round to nearest,
// ties to even, with subnormals (no flush to zero), so results are bit for bit those of
// hardware f64 (checked against the component on every type). NaN payloads are not kept:
// every NaN result is the canonical quiet NaN.

alias R = vec2<u32>;

const SIGN: u32 = 0x80000000u;
const NAN: R = R(0u, 0x7ff80000u);

fn exp_bits(a: R) -> u32 { return (a.y >> 20u) & 0x7ffu; }
fn frac_zero(a: R) -> bool { return a.x == 0u && (a.y & 0xfffffu) == 0u; }
fn is_nan(a: R) -> bool { return exp_bits(a) == 0x7ffu && !frac_zero(a); }
fn is_inf(a: R) -> bool { return exp_bits(a) == 0x7ffu && frac_zero(a); }
fn is_zero(a: R) -> bool { return a.x == 0u && (a.y & 0x7fffffffu) == 0u; }

// 64-bit helpers on (low, high).
fn add64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    let lo = a.x + b.x;
    return vec2<u32>(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}
fn sub64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    return vec2<u32>(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x));
}
fn less64(a: vec2<u32>, b: vec2<u32>) -> bool { return a.y < b.y || (a.y == b.y && a.x < b.x); }
fn clz64(a: vec2<u32>) -> u32 { return select(countLeadingZeros(a.y), 32u + countLeadingZeros(a.x), a.y == 0u); }
fn shl64(a: vec2<u32>, n: u32) -> vec2<u32> {
    if (n == 0u) { return a; }
    if (n >= 64u) { return vec2<u32>(0u, 0u); }
    if (n >= 32u) { return vec2<u32>(0u, a.x << (n - 32u)); }
    return vec2<u32>(a.x << n, (a.y << n) | (a.x >> (32u - n)));
}
// Shift right; bits shifted out are ORed into bit 0 (the sticky bit).
fn shr_sticky(a: vec2<u32>, n: u32) -> vec2<u32> {
    if (n == 0u) { return a; }
    if (n >= 64u) { return vec2<u32>(select(0u, 1u, a.x != 0u || a.y != 0u), 0u); }
    var r: vec2<u32>;
    var lost: bool;
    if (n >= 32u) {
        let s = n - 32u;
        r = vec2<u32>(a.y >> s, 0u);
        lost = a.x != 0u || (s > 0u && (a.y << (32u - s)) != 0u);
    } else {
        r = vec2<u32>((a.x >> n) | (a.y << (32u - n)), a.y >> n);
        lost = (a.x << (32u - n)) != 0u;
    }
    r.x = r.x | select(0u, 1u, lost);
    return r;
}

// Round `m` (leading one at bit 61 for normal numbers, 9 guard bits) to a binary64 of
// biased exponent `e`, handling subnormal results and overflow.
fn pack(sign: u32, e_in: i32, m_in: vec2<u32>) -> R {
    var e = e_in;
    var m = m_in;
    if (e < 1) {
        m = shr_sticky(m, u32(1 - e));
        e = 1;
    }
    let low = m.x & 0x1ffu;
    m = shr_sticky(vec2<u32>(m.x & ~0x1ffu, m.y), 9u);
    if (low > 0x100u || (low == 0x100u && (m.x & 1u) == 1u)) {
        m = add64(m, vec2<u32>(1u, 0u));
    }
    if (m.y >= 0x200000u) {
        m = vec2<u32>((m.x >> 1u) | (m.y << 31u), m.y >> 1u);
        e = e + 1;
    }
    if (e >= 2047) { return R(0u, sign | 0x7ff00000u); }
    let biased = select(0u, u32(e), (m.y & 0x100000u) != 0u);
    return R(m.x, sign | (biased << 20u) | (m.y & 0xfffffu));
}

// The magnitude as (biased exponent, mantissa with 9 guard bits: leading one at bit 61).
fn unpack(a: R) -> vec3<u32> {
    let e = exp_bits(a);
    var m = vec2<u32>(a.x, a.y & 0xfffffu);
    if (e != 0u) { m.y = m.y | 0x100000u; }
    m = shl64(m, 9u);
    return vec3<u32>(max(e, 1u), m.x, m.y);
}

fn r_neg(a: R) -> R { return R(a.x, a.y ^ SIGN); }

fn r_add(a: R, b: R) -> R {
    if (is_nan(a) || is_nan(b)) { return NAN; }
    if (is_inf(a)) {
        if (is_inf(b) && ((a.y ^ b.y) & SIGN) != 0u) { return NAN; }
        return a;
    }
    if (is_inf(b)) { return b; }
    if (is_zero(a) && is_zero(b)) { return R(0u, a.y & b.y & SIGN); }
    // |x| >= |y|: the result takes x's sign.
    var x = a;
    var y = b;
    if (less64(vec2<u32>(a.x, a.y & ~SIGN), vec2<u32>(b.x, b.y & ~SIGN))) {
        x = b;
        y = a;
    }
    let ux = unpack(x);
    let uy = unpack(y);
    var e = i32(ux.x);
    let my = shr_sticky(uy.yz, ux.x - uy.x);
    var m: vec2<u32>;
    if (((x.y ^ y.y) & SIGN) == 0u) {
        m = add64(ux.yz, my);
    } else {
        m = sub64(ux.yz, my);
        if (m.x == 0u && m.y == 0u) { return R(0u, 0u); }
    }
    if ((m.y & 0x40000000u) != 0u) {
        m = shr_sticky(m, 1u);
        e = e + 1;
    } else {
        let lead = clz64(m);
        if (lead > 2u) {
            let s = min(lead - 2u, u32(e - 1));
            m = shl64(m, s);
            e = e - i32(s);
        }
    }
    return pack(x.y & SIGN, e, m);
}

fn r_sub(a: R, b: R) -> R {
    if (is_nan(b)) { return NAN; }
    return r_add(a, r_neg(b));
}

// 32 x 32 -> 64 bits.
fn mul32(x: u32, y: u32) -> vec2<u32> {
    let xl = x & 0xffffu;
    let xh = x >> 16u;
    let yl = y & 0xffffu;
    let yh = y >> 16u;
    let ll = xl * yl;
    let lh = xl * yh;
    let hl = xh * yl;
    let t = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
    return vec2<u32>((ll & 0xffffu) | (t << 16u), xh * yh + (lh >> 16u) + (hl >> 16u) + (t >> 16u));
}

// The mantissa of a finite non-zero value with its leading one at bit 52, and the
// exponent that goes with it (below 1 for subnormals).
fn normalized(a: R) -> vec3<u32> {
    let e = exp_bits(a);
    if (e != 0u) { return vec3<u32>(e, a.x, (a.y & 0xfffffu) | 0x100000u); }
    let m = vec2<u32>(a.x, a.y & 0xfffffu);
    let s = clz64(m) - 11u;
    let n = shl64(m, s);
    return vec3<u32>(bitcast<u32>(1 - i32(s)), n.x, n.y);
}

fn r_mul(a: R, b: R) -> R {
    let sign = (a.y ^ b.y) & SIGN;
    if (is_nan(a) || is_nan(b)) { return NAN; }
    if (is_inf(a) || is_inf(b)) {
        if (is_zero(a) || is_zero(b)) { return NAN; }
        return R(0u, sign | 0x7ff00000u);
    }
    if (is_zero(a) || is_zero(b)) { return R(0u, sign); }
    let na = normalized(a);
    let nb = normalized(b);
    // 53 x 53 bits -> 106, in four words.
    let p00 = mul32(na.y, nb.y);
    let p01 = mul32(na.y, nb.z);
    let p10 = mul32(na.z, nb.y);
    let p11 = mul32(na.z, nb.z);
    var w0 = p00.x;
    var mid = add64(vec2<u32>(p00.y, 0u), vec2<u32>(p01.x, p01.y));
    mid = add64(mid, vec2<u32>(p10.x, p10.y));
    let w1 = mid.x;
    let high = add64(vec2<u32>(mid.y, 0u), p11);
    let w2 = high.x;
    let w3 = high.y;
    var e = bitcast<i32>(na.x) + bitcast<i32>(nb.x) - 1023;
    // Leading one at bit 104 or 105: bring it to bit 61, keeping what falls off as sticky.
    var s = 11u;
    if ((w3 & 0x200u) != 0u) {
        s = 12u;
        e = e + 1;
    }
    var m = vec2<u32>((w1 >> s) | (w2 << (32u - s)), (w2 >> s) | (w3 << (32u - s)));
    if (w0 != 0u || (w1 << (32u - s)) != 0u) { m.x = m.x | 1u; }
    return pack(sign, e, m);
}

// From a 64-bit magnitude `m` (not zero) and a sign, rounded once.
fn from_magnitude(sign: u32, m: vec2<u32>) -> R {
    let lead = 63u - clz64(m);
    var n: vec2<u32>;
    if (lead > 61u) { n = shr_sticky(m, lead - 61u); } else { n = shl64(m, 61u - lead); }
    return pack(sign, 1023 + i32(lead), n);
}

fn r_from_u32(x: u32) -> R {
    if (x == 0u) { return R(0u, 0u); }
    return from_magnitude(0u, vec2<u32>(x, 0u));
}
fn r_from_i32(x: i32) -> R {
    if (x == 0) { return R(0u, 0u); }
    let sign = select(0u, SIGN, x < 0);
    return from_magnitude(sign, vec2<u32>(select(bitcast<u32>(x), 0u - bitcast<u32>(x), x < 0), 0u));
}
fn r_from_u64(lo: u32, hi: u32) -> R {
    if (lo == 0u && hi == 0u) { return R(0u, 0u); }
    return from_magnitude(0u, vec2<u32>(lo, hi));
}
fn r_from_i64(lo: u32, hi: u32) -> R {
    if ((hi & SIGN) == 0u) { return r_from_u64(lo, hi); }
    return from_magnitude(SIGN, sub64(vec2<u32>(0u, 0u), vec2<u32>(lo, hi)));
}
fn r_from_f32(bits: u32) -> R {
    let sign = bits & SIGN;
    let e = (bits >> 23u) & 0xffu;
    let f = bits & 0x7fffffu;
    if (e == 0xffu) {
        if (f != 0u) { return NAN; }
        return R(0u, sign | 0x7ff00000u);
    }
    if (e == 0u) {
        if (f == 0u) { return R(0u, sign); }
        let lead = 31u - countLeadingZeros(f);
        // f * 2^-149, normalized.
        let m = shl64(vec2<u32>(f, 0u), 52u - lead);
        return R(m.x, sign | ((lead + 874u) << 20u) | (m.y & 0xfffffu));
    }
    return R(f << 29u, sign | ((e + 896u) << 20u) | (f >> 3u));
}

// The nearest f32 (ties to even; overflow to infinity, subnormals kept), as an R.
fn r_round_f32(a: R) -> R {
    if (is_nan(a)) { return NAN; }
    let sign = a.y & SIGN;
    if (is_inf(a) || is_zero(a)) { return a; }
    let e = i32(exp_bits(a)) - 896;
    var m = vec2<u32>(a.x, (a.y & 0xfffffu) | select(0u, 0x100000u, exp_bits(a) != 0u));
    // Keep 24 bits (fewer below f32's normal range), rounding what falls off.
    var drop = 29u;
    if (e < 1) { drop = 29u + u32(min(1 - e, 40)); }
    let kept = shr_sticky(m, drop - 2u);
    // kept: the result's bits, then a guard and a sticky bit.
    let g = kept.x & 3u;
    var r = (kept.x >> 2u) | (kept.y << 30u);
    if (g > 2u || (g == 2u && (r & 1u) == 1u)) { r = r + 1u; }
    var bits: u32;
    if (e < 1) {
        bits = sign | r;  // a carry into bit 23 is the smallest normal
    } else {
        var ee = u32(e);
        if (r >= 0x1000000u) {
            r = r >> 1u;
            ee = ee + 1u;
        }
        if (ee >= 255u) { return R(0u, sign | 0x7ff00000u); }
        bits = sign | (ee << 23u) | (r & 0x7fffffu);
    }
    return r_from_f32(bits);
}

fn r_trunc(a: R) -> R {
    let e = exp_bits(a);
    if (e == 0x7ffu || e >= 1075u) { return a; }
    if (e < 1023u) { return R(0u, a.y & SIGN); }
    let k = 1075u - e;  // fractional bits, 1..52
    if (k >= 32u) {
        let hk = k - 32u;
        return R(0u, a.y & ~((1u << hk) - 1u));
    }
    return R(a.x & ~((1u << k) - 1u), a.y);
}

// Order as IEEE compares (NaN unordered, -0 == +0).
fn order_key(a: R) -> vec2<u32> {
    if ((a.y & SIGN) != 0u) { return vec2<u32>(~a.x, ~a.y); }
    return vec2<u32>(a.x, a.y | SIGN);
}
fn r_lt(a: R, b: R) -> bool {
    if (is_nan(a) || is_nan(b) || (is_zero(a) && is_zero(b))) { return false; }
    return less64(order_key(a), order_key(b));
}
fn r_eq(a: R, b: R) -> bool {
    if (is_nan(a) || is_nan(b)) { return false; }
    return (a.x == b.x && a.y == b.y) || (is_zero(a) && is_zero(b));
}
fn r_floor(a: R, one: R) -> R {
    let t = r_trunc(a);
    if ((a.y & SIGN) != 0u && !r_eq(t, a)) { return r_sub(t, one); }
    return t;
}
fn r_clamp(v: R, lo: R, hi: R) -> R {
    if (r_lt(v, lo)) { return lo; }
    if (r_lt(hi, v)) { return hi; }
    return v;
}
