// The bounded K-Means step's hot kernels (the nearest two centres of the rows the bounds
// cannot decide and their new bounds, the bounds test, the per-cluster sums) and k-means++'s
// (the candidates' distances, their potentials), written once and compiled for three instruction sets, chosen when first called: SSE2
// (x86-64's baseline; 4-row blocks in pairs of registers), AVX2 (4-row blocks in one
// register) and AVX-512 (8-row blocks in one register). Swift has no per-function target, and
// a whole build for one instruction set (README, "Built for AVX2") does not run on an older
// CPU; C's target attribute gives both.
//
// Each lane is one row and computes, in the order of operations of `PackedCenters` in Swift,
// its squared distances: products summed in feature order, multiplies and adds rounded
// separately (no fused multiply-add: see the pragmas), selects for the minima. Lane-wise
// arithmetic is the same IEEE operation at any width, so a row's results do not depend on the
// level nor on which rows share its block; sums are added in row order at every level
// (`CKernelsTests` compares every level with the scalar formulas, ties included).

#include "CSeglabKernels.h"
#include <stdatomic.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

typedef double v2d __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));
typedef long long v4l __attribute__((vector_size(32)));
typedef double v8d __attribute__((vector_size(64)));
typedef long long v8l __attribute__((vector_size(64)));

#define SPLAT4(s) ((v4d){(s), (s), (s), (s)})
#define SPLAT8(s) ((v8d){(s), (s), (s), (s), (s), (s), (s), (s)})
#define SPLATL4(s) ((v4l){(s), (s), (s), (s)})
#define SPLATL8(s) ((v8l){(s), (s), (s), (s), (s), (s), (s), (s)})
#define GATHER4(p, f) ((v4d){(p)[0][f], (p)[1][f], (p)[2][f], (p)[3][f]})
#define GATHER8(p, f) ((v8d){(p)[0][f], (p)[1][f], (p)[2][f], (p)[3][f], (p)[4][f], (p)[5][f], (p)[6][f], (p)[7][f]})
// MIN(a, b) is a < b ? a : b and MAX(a, b) is a > b ? a : b, lane by lane: exactly what x86's
// min and max instructions compute (the second operand on ties), one instruction each where
// a select on a comparison would be three without AVX; elsewhere the selects themselves.
#define SELECT(mask, a, b) ((VD)((((VL)(a)) & (mask)) | (((VL)(b)) & ~(mask))))
#if defined(__x86_64__)
// Baseline: the two halves of a 4-lane vector through SSE2's 2-lane instruction. (Macros, not
// functions: a 4-lane argument would change the ABI without AVX.) The names differ per
// instruction, as MIN(MAX(…)) nests them.
#define SSE2_PAIRS(op, a, b, tag)                                                                  \
    ({                                                                                             \
        v4d l##tag = (a), r##tag = (b);                                                            \
        v2d lo##tag = (v2d)op((__m128d)__builtin_shufflevector(l##tag, l##tag, 0, 1),              \
                              (__m128d)__builtin_shufflevector(r##tag, r##tag, 0, 1));             \
        v2d hi##tag = (v2d)op((__m128d)__builtin_shufflevector(l##tag, l##tag, 2, 3),              \
                              (__m128d)__builtin_shufflevector(r##tag, r##tag, 2, 3));             \
        (v4d) __builtin_shufflevector(lo##tag, hi##tag, 0, 1, 2, 3);                               \
    })
#define MIN_BASELINE(a, b) SSE2_PAIRS(_mm_min_pd, a, b, _min)
#define MAX_BASELINE(a, b) SSE2_PAIRS(_mm_max_pd, a, b, _max)
#define MIN_AVX2(a, b) ((v4d)_mm256_min_pd((__m256d)(a), (__m256d)(b)))
#define MAX_AVX2(a, b) ((v4d)_mm256_max_pd((__m256d)(a), (__m256d)(b)))
#define MAX_AVX512_4(a, b) ((v4d)_mm256_max_pd((__m256d)(a), (__m256d)(b)))
#define MIN_AVX512(a, b) ((v8d)_mm512_min_pd((__m512d)(a), (__m512d)(b)))
#define MAX_AVX512(a, b) ((v8d)_mm512_max_pd((__m512d)(a), (__m512d)(b)))
#else
#define MIN_BASELINE(a, b) ({ v4d a_min = (a), b_min = (b); SELECT(a_min < b_min, a_min, b_min); })
#define MAX_BASELINE(a, b) ({ v4d a_max = (a), b_max = (b); SELECT(a_max > b_max, a_max, b_max); })
#endif
// How many blocks ahead the listed rows are prefetched: they are scattered over the chunk.
#define AHEAD 4
// How many rows ahead k-means++'s pass prefetches the rows it reads in order: without it the
// loads of each block wait on memory (in alternating runs on 1M x 8 its passes took 0.88 of
// the time with 64 rows, 4 KB, ahead; 32 rows gained less, 128 about nothing).
#define PLUS_PLUS_AHEAD_ROWS 64

// (‖x‖² − 2·dot) + ‖c‖², clamped at 0 (rounding can push it below): MAX(0, t) is t < 0 ? 0 : t.
#define FINISH(dot, cn) MAX(SPLAT(0.0), (n4 - SPLAT(2.0) * (dot)) + SPLAT(cn))

// The block's dot products with the centres at c0 … c3, into a0 … a3: four independent chains
// of additions keep the units busy, each still the sum in feature order.
#define FOUR_DOTS(c0, c1, c2, c3)                                                                  \
    VD a0, a1, a2, a3;                                                                             \
    {                                                                                              \
        VD v = xt[0];                                                                              \
        a0 = v * SPLAT((c0)[0]), a1 = v * SPLAT((c1)[0]), a2 = v * SPLAT((c2)[0]), a3 = v * SPLAT((c3)[0]); \
        for (intptr_t f = 1; f < d; f++) {                                                         \
            v = xt[f];                                                                             \
            a0 += v * SPLAT((c0)[f]);                                                              \
            a1 += v * SPLAT((c1)[f]);                                                              \
            a2 += v * SPLAT((c2)[f]);                                                              \
            a3 += v * SPLAT((c3)[f]);                                                              \
        }                                                                                          \
    }

// The block's dot product with the centre at c0, into a0.
#define ONE_DOT(c0)                                                                                \
    VD a0 = xt[0] * SPLAT((c0)[0]);                                                                \
    for (intptr_t f = 1; f < d; f++) a0 += xt[f] * SPLAT((c0)[f]);

// The block's squared distances to every centre, four centres side by side, each handed to
// ACTION(distances, centre).
#define EACH_CENTRE(ACTION)                                                                        \
    {                                                                                              \
        intptr_t c = 0;                                                                            \
        for (; c + 4 <= k; c += 4) {                                                               \
            const double *c0 = centers + c * d, *c1 = c0 + d, *c2 = c1 + d, *c3 = c2 + d;          \
            FOUR_DOTS(c0, c1, c2, c3)                                                              \
            ACTION(FINISH(a0, center_norms[c]), c);                                                \
            ACTION(FINISH(a1, center_norms[c + 1]), c + 1);                                        \
            ACTION(FINISH(a2, center_norms[c + 2]), c + 2);                                        \
            ACTION(FINISH(a3, center_norms[c + 3]), c + 3);                                        \
        }                                                                                          \
        for (; c < k; c++) {                                                                       \
            ONE_DOT(centers + c * d)                                                               \
            ACTION(FINISH(a0, center_norms[c]), c);                                                \
        }                                                                                          \
    }

// The block's squared norms, as `Kernels.rowSquaredNorms` sums them (in feature order).
#define ROW_NORMS                                                                                  \
    n4 = xt[0] * xt[0];                                                                            \
    for (intptr_t f = 1; f < d; f++) n4 += xt[f] * xt[f];

// Rows `row(0) … row(W − 1)` of the block, feature-major into xt, their squared norms into n4.
#define LOAD_BLOCK(row)                                                                            \
    const double *p[W];                                                                            \
    VD n4;                                                                                         \
    for (int q = 0; q < W; q++) {                                                                  \
        intptr_t r_ = (row(q));                                                                    \
        p[q] = x + r_ * d;                                                                         \
    }                                                                                              \
    GATHER_ROWS(p)                                                                                 \
    ROW_NORMS
// Feature-major, one feature at a time from the rows' addresses.
#define GATHER_EACH_FEATURE(p)                                                                     \
    for (intptr_t f = 0; f < d; f++) xt[f] = GATHER(p, f);
// Eight rows of eight features (the RFM sets): each row one load, the 8 × 8 block transposed in
// three rounds of shuffles (24, where gathering takes 64 loads and inserts).
#define TRANSPOSE_8_BY_8(p)                                                                        \
    {                                                                                              \
        v8d r0, r1, r2, r3, r4, r5, r6, r7;                                                        \
        memcpy(&r0, p[0], 64); memcpy(&r1, p[1], 64); memcpy(&r2, p[2], 64); memcpy(&r3, p[3], 64); \
        memcpy(&r4, p[4], 64); memcpy(&r5, p[5], 64); memcpy(&r6, p[6], 64); memcpy(&r7, p[7], 64); \
        v8d a0 = __builtin_shufflevector(r0, r1, 0, 8, 2, 10, 4, 12, 6, 14);                       \
        v8d a1 = __builtin_shufflevector(r0, r1, 1, 9, 3, 11, 5, 13, 7, 15);                       \
        v8d a2 = __builtin_shufflevector(r2, r3, 0, 8, 2, 10, 4, 12, 6, 14);                       \
        v8d a3 = __builtin_shufflevector(r2, r3, 1, 9, 3, 11, 5, 13, 7, 15);                       \
        v8d a4 = __builtin_shufflevector(r4, r5, 0, 8, 2, 10, 4, 12, 6, 14);                       \
        v8d a5 = __builtin_shufflevector(r4, r5, 1, 9, 3, 11, 5, 13, 7, 15);                       \
        v8d a6 = __builtin_shufflevector(r6, r7, 0, 8, 2, 10, 4, 12, 6, 14);                       \
        v8d a7 = __builtin_shufflevector(r6, r7, 1, 9, 3, 11, 5, 13, 7, 15);                       \
        v8d b0 = __builtin_shufflevector(a0, a2, 0, 1, 8, 9, 4, 5, 12, 13);                        \
        v8d b1 = __builtin_shufflevector(a1, a3, 0, 1, 8, 9, 4, 5, 12, 13);                        \
        v8d b2 = __builtin_shufflevector(a0, a2, 2, 3, 10, 11, 6, 7, 14, 15);                      \
        v8d b3 = __builtin_shufflevector(a1, a3, 2, 3, 10, 11, 6, 7, 14, 15);                      \
        v8d b4 = __builtin_shufflevector(a4, a6, 0, 1, 8, 9, 4, 5, 12, 13);                        \
        v8d b5 = __builtin_shufflevector(a5, a7, 0, 1, 8, 9, 4, 5, 12, 13);                        \
        v8d b6 = __builtin_shufflevector(a4, a6, 2, 3, 10, 11, 6, 7, 14, 15);                      \
        v8d b7 = __builtin_shufflevector(a5, a7, 2, 3, 10, 11, 6, 7, 14, 15);                      \
        xt[0] = __builtin_shufflevector(b0, b4, 0, 1, 2, 3, 8, 9, 10, 11);                         \
        xt[1] = __builtin_shufflevector(b1, b5, 0, 1, 2, 3, 8, 9, 10, 11);                         \
        xt[2] = __builtin_shufflevector(b2, b6, 0, 1, 2, 3, 8, 9, 10, 11);                         \
        xt[3] = __builtin_shufflevector(b3, b7, 0, 1, 2, 3, 8, 9, 10, 11);                         \
        xt[4] = __builtin_shufflevector(b0, b4, 4, 5, 6, 7, 12, 13, 14, 15);                       \
        xt[5] = __builtin_shufflevector(b1, b5, 4, 5, 6, 7, 12, 13, 14, 15);                       \
        xt[6] = __builtin_shufflevector(b2, b6, 4, 5, 6, 7, 12, 13, 14, 15);                       \
        xt[7] = __builtin_shufflevector(b3, b7, 4, 5, 6, 7, 12, 13, 14, 15);                       \
    }

// Centre c at distance dc becomes the nearest if strictly closer (lower index first on ties);
// the second smallest is the smaller of `b2` and the larger of `b1` and dc.
#define KEEP_TWO(dc_, c_)                                                                          \
    do {                                                                                           \
        VD dc = (dc_);                                                                             \
        VL closer = dc < b1;                                                                       \
        b2 = MIN(MAX(b1, dc), b2);                                                                 \
        b1 = MIN(dc, b1);                                                                          \
        index = (index & ~closer) | (SPLATL((long long)(c_)) & closer);                            \
    } while (0)

// The block's rows, feature-major: on the stack up to STACK_FEATURES features, on the heap
// beyond (a worker thread's stack is small). SCRATCH_END frees it.
#define STACK_FEATURES 256
#define SCRATCH_BEGIN                                                                              \
    VD stack_xt[d <= STACK_FEATURES ? d : 1];                                                      \
    VD *xt = d <= STACK_FEATURES ? stack_xt : aligned_alloc(sizeof(VD), (size_t)d * sizeof(VD));
#define SCRATCH_END                                                                                \
    if (xt != stack_xt) free(xt);
// Eight features: a fixed array, which the compiler keeps in registers.
#define XT_FIXED VD xt[8];
#define XT_NONE

#define NEAREST_TWO_BLOCKS(dims_, XT_BEGIN, XT_END)                                                \
    {                                                                                              \
        const intptr_t d = (dims_);                                                                \
        XT_BEGIN                                                                                   \
        for (intptr_t j = 0; j < m; j += W) {                                                      \
            for (int q = 0; q < W && j + AHEAD * W + q < m; q++) {                                 \
                const double *ahead = x + rows[j + AHEAD * W + q] * d;                             \
                __builtin_prefetch(ahead);                                                         \
                __builtin_prefetch(ahead + d - 1);                                                 \
            }                                                                                      \
            LOAD_BLOCK(LISTED);                                                                    \
            VD b1 = SPLAT(__builtin_inf()), b2 = b1;                                               \
            VL index = SPLATL(0);                                                                  \
            EACH_CENTRE(KEEP_TWO)                                                                  \
            if (j + W <= m) {                                                                      \
                VI found = __builtin_convertvector(index, VI);                                     \
                memcpy(labels + j, &found, sizeof found);                                          \
                memcpy(best + j, &b1, sizeof b1);                                                  \
                memcpy(second + j, &b2, sizeof b2);                                                \
            } else {                                                                               \
                for (int q = 0; j + q < m; q++) {                                                  \
                    labels[j + q] = (int32_t)index[q];                                             \
                    best[j + q] = b1[q];                                                           \
                    second[j + q] = b2[q];                                                         \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        XT_END                                                                                     \
    }
// Eight features (the RFM sets) compiled on their own: the block's rows stay in registers.
#define NEAREST_TWO_BODY                                                                           \
    {                                                                                              \
        if (dims == 8) NEAREST_TWO_BLOCKS(8, XT_FIXED, XT_NONE)                                    \
        else NEAREST_TWO_BLOCKS(dims, SCRATCH_BEGIN, SCRATCH_END)                                  \
    }
// The listed row in lane q (the last one again past the end of the list).
#define LISTED(q) rows[j + (q) < m ? j + (q) : m - 1]

// A whole block's distances to centre c are stored at once, a partial one lane by lane.
#define STORE(dc_, c_)                                                                             \
    do {                                                                                           \
        VD dc = (dc_);                                                                             \
        double *o_ = out + (c_) * stride + j;                                                      \
        if (j + W <= count) {                                                                      \
            memcpy(o_, &dc, sizeof dc);                                                            \
        } else {                                                                                   \
            for (int q = 0; j + q < count; q++) o_[q] = dc[q];                                     \
        }                                                                                          \
    } while (0)

#define DISTANCES_BODY                                                                             \
    {                                                                                              \
        SCRATCH_BEGIN                                                                              \
        for (intptr_t j = 0; j < count; j += W) {                                                  \
            if (rows) {                                                                            \
                for (int q = 0; q < W && j + AHEAD * W + q < count; q++) {                         \
                    const double *ahead = x + rows[j + AHEAD * W + q] * d;                         \
                    __builtin_prefetch(ahead);                                                     \
                    __builtin_prefetch(ahead + d - 1);                                             \
                }                                                                                  \
            }                                                                                      \
            LOAD_BLOCK(LISTED_OR_CONSECUTIVE);                                                     \
            EACH_CENTRE(STORE)                                                                     \
        }                                                                                          \
        SCRATCH_END                                                                                \
    }
// Entry j + q of the list, or row first + j + q of the range, in lane q (the last one again
// past the end).
#define LISTED_OR_CONSECUTIVE(q)                                                                   \
    (rows ? rows[j + (q) < count ? j + (q) : count - 1] : first + (j + (q) < count ? j + (q) : count - 1))

#define NEAREST_TWO_PARAMETERS                                                                     \
    const double *x, const intptr_t *rows, intptr_t m, intptr_t dims, const double *centers,       \
        const double *center_norms, intptr_t k, int32_t *labels, double *best, double *second
#define NEAREST_TWO_ARGUMENTS x, rows, m, dims, centers, center_norms, k, labels, best, second
#define DISTANCES_PARAMETERS                                                                       \
    const double *x, const intptr_t *rows, intptr_t first, intptr_t count, intptr_t d,             \
        const double *centers, const double *center_norms, intptr_t k, double *out, intptr_t stride
#define DISTANCES_ARGUMENTS x, rows, first, count, d, centers, center_norms, k, out, stride

// The new bounds of the rows the full kernel just assigned, W at a time: the arithmetic of
// `BoundedAssignment.assign` (square roots nudged outward, single-precision bounds rounded
// outward, as `Bound.upFloat` and `Bound.downFloat`) in vector lanes, then each row's label and
// bounds stored and its clusters marked, lane by lane (rows scatter over the chunk).
// upper and lower (VF) of the W listed rows from j on (the last one again past the end); a
// whole block's distances are two vector loads, not 2·W lane inserts (in a micro-benchmark at
// AVX-512, 1M × 8 in chunks of 8,192 rows, best of 15: 3.3 → 2.6 ns a row with every row
// listed, 4.3 → 3.9 with 80 %, 4.6 → 4.1 with 30 %).
#define NEW_BOUNDS_LANES                                                                           \
    VD b, s, t;                                                                                    \
    if (j + W <= m) {                                                                              \
        memcpy(&b, best + j, sizeof b);                                                            \
        memcpy(&s, second + j, sizeof s);                                                          \
        for (int q = 0; q < W; q++) t[q] = travelled[found[j + q]];                                \
    } else {                                                                                       \
        for (int q = 0; q < W; q++) {                                                              \
            intptr_t e = j + q < m ? j + q : m - 1;                                                \
            b[q] = best[e];                                                                        \
            s[q] = second[e];                                                                      \
            t[q] = travelled[found[e]];                                                            \
        }                                                                                          \
    }                                                                                              \
    VD u = __builtin_elementwise_sqrt(MAX(SPLAT(0.0), (b + SPLAT(error)) * SPLAT(grow))) * SPLAT(grow); \
    VD l = __builtin_elementwise_sqrt(MAX(SPLAT(0.0), (s - SPLAT(error)) * SPLAT(shrink))) * SPLAT(shrink); \
    VF upper = UP_FLOAT(u - t);                                                                    \
    VF lower = DOWN_FLOAT((l + SPLAT(travelled_max)) * SPLAT(shrink) - __builtin_convertvector(upper, VD))
#define NEW_BOUNDS_BODY                                                                            \
    {                                                                                              \
        const double grow = 1 + 0x1p-44, shrink = 1 - 0x1p-44;                                     \
        intptr_t changed = 0, first = *first_changed;                                              \
        for (intptr_t j = 0; j < m; j += W) {                                                      \
            NEW_BOUNDS_LANES;                                                                      \
            for (int q = 0; q < W && j + q < m; q++) {                                             \
                intptr_t i = rows[j + q];                                                          \
                int32_t a = found[j + q], old = labels[i];                                         \
                int32_t moved = old != a;                                                          \
                changed += moved;                                                                  \
                first = moved && i < first ? i : first;                                            \
                touched[a] |= moved;                                                               \
                touched[old > 0 ? old : 0] |= moved;                                               \
                labels[i] = a;                                                                     \
                bounds[2 * i] = lower[q];                                                          \
                bounds[2 * i + 1] = -upper[q];                                                     \
            }                                                                                      \
        }                                                                                          \
        *first_changed = first;                                                                    \
        return changed;                                                                            \
    }
// Bound.upFloat: max(Float(v + (|v|·2⁻²² + 2⁻¹²⁶)), −FLT_MAX) and Bound.downFloat: min(Float(v −
// (|v|·2⁻²² + 2⁻¹²⁶)), FLT_MAX), with Swift's max (y >= x ? y : x) and min (y < x ? y : x).
#define NUDGE(v) ((VD)((VL)(v) & SPLATL(0x7fffffffffffffffLL)) * SPLAT(0x1p-22) + SPLAT(0x1p-126))
#define UP_FLOAT(v_)                                                                               \
    ({                                                                                             \
        VD v = (v_);                                                                               \
        VF f = __builtin_convertvector(v + NUDGE(v), VF);                                          \
        VF y = SPLATF(-__FLT_MAX__);                                                               \
        (VF)((VI)(y >= f) & (VI)y | ~(VI)(y >= f) & (VI)f);                                        \
    })
#define DOWN_FLOAT(v_)                                                                             \
    ({                                                                                             \
        VD v = (v_);                                                                               \
        VF f = __builtin_convertvector(v - NUDGE(v), VF);                                          \
        VF y = SPLATF(__FLT_MAX__);                                                                \
        (VF)((VI)(y < f) & (VI)y | ~(VI)(y < f) & (VI)f);                                          \
    })
#define NEW_BOUNDS_PARAMETERS                                                                      \
    const intptr_t *rows, intptr_t m, const int32_t *found, const double *best, const double *second, \
        double error, const double *travelled, double travelled_max, int32_t *labels, float *bounds,  \
        int32_t *touched, intptr_t *first_changed
#define NEW_BOUNDS_ARGUMENTS                                                                       \
    rows, m, found, best, second, error, travelled, travelled_max, labels, bounds, touched, first_changed

// The silhouette's pass (`SymmetricDistancePlan.fourRows` in Swift): four rows against the
// columns lower ..< upper of the feature-major copy `xt`, four columns per step, as that code
// does; the 8-lane level takes two steps at once, adding the low then the high half to each
// row's 4-lane sums (the order of the 4-lane code). FOUR_COLUMNS(VD4-typed step at column j).
#define FOUR_ROWS_DISTANCES(V, SPL, MX, j_)                                                        \
    V p0 = SPL(0.0), p1 = p0, p2 = p0, p3 = p0;                                                    \
    for (intptr_t f = 0; f < d; f++) {                                                             \
        V v;                                                                                       \
        memcpy(&v, xt + f * padded + (j_), sizeof v);                                              \
        p0 += v * SPL(rows4[f]);                                                                   \
        p1 += v * SPL(rows4[d + f]);                                                               \
        p2 += v * SPL(rows4[2 * d + f]);                                                           \
        p3 += v * SPL(rows4[3 * d + f]);                                                           \
    }                                                                                              \
    V nj;                                                                                          \
    memcpy(&nj, column_norms + (j_), sizeof nj);                                                   \
    V d0 = __builtin_elementwise_sqrt(MX(SPL(0.0), (SPL(norms4[0]) - SPL(2.0) * p0) + nj));        \
    V d1 = __builtin_elementwise_sqrt(MX(SPL(0.0), (SPL(norms4[1]) - SPL(2.0) * p1) + nj));        \
    V d2 = __builtin_elementwise_sqrt(MX(SPL(0.0), (SPL(norms4[2]) - SPL(2.0) * p2) + nj));        \
    V d3 = __builtin_elementwise_sqrt(MX(SPL(0.0), (SPL(norms4[3]) - SPL(2.0) * p3) + nj))
// Lanes of columns outside lower ..< upper count as 0; the column sums weigh each row (a
// weight of 1 leaves a distance's bits as they are).
#define FOUR_ROWS_MASK_AND_COLUMNS(V, VLT, SPL, SPLL, LANES, j_)                                   \
    if ((j_) < lower || (j_) + (intptr_t)(sizeof(V) / sizeof(double)) > upper) {                   \
        VLT index = LANES + SPLL((long long)(j_));                                                 \
        VLT keep = (index >= SPLL((long long)lower)) & (index < SPLL((long long)upper));           \
        d0 = (V)((VLT)d0 & keep);                                                                  \
        d1 = (V)((VLT)d1 & keep);                                                                  \
        d2 = (V)((VLT)d2 & keep);                                                                  \
        d3 = (V)((VLT)d3 & keep);                                                                  \
    }                                                                                              \
    if (column_sums) {                                                                             \
        V sum = ((d0 + d1 * SPL(weights4[1])) + d2 * SPL(weights4[2])) + d3 * SPL(weights4[3]);   \
        V c;                                                                                       \
        memcpy(&c, column_sums + (j_), sizeof c);                                                  \
        c += sum;                                                                                  \
        memcpy(column_sums + (j_), &c, sizeof c);                                                  \
    }
#define FOUR_ROWS_STEP4(MX, j_)                                                                    \
    {                                                                                              \
        FOUR_ROWS_DISTANCES(v4d, SPLAT4, MX, j_);                                                  \
        FOUR_ROWS_MASK_AND_COLUMNS(v4d, v4l, SPLAT4, SPLATL4, ((v4l){0, 1, 2, 3}), j_)             \
        a0 += d0;                                                                                  \
        a1 += d1;                                                                                  \
        a2 += d2;                                                                                  \
        a3 += d3;                                                                                  \
    }
#define LOW4(v) __builtin_shufflevector(v, v, 0, 1, 2, 3)
#define HIGH4(v) __builtin_shufflevector(v, v, 4, 5, 6, 7)
#define FOUR_ROWS_STEP8(MX, j_)                                                                    \
    {                                                                                              \
        FOUR_ROWS_DISTANCES(v8d, SPLAT8, MX, j_);                                                  \
        FOUR_ROWS_MASK_AND_COLUMNS(v8d, v8l, SPLAT8, SPLATL8, ((v8l){0, 1, 2, 3, 4, 5, 6, 7}), j_) \
        a0 += LOW4(d0);                                                                            \
        a0 += HIGH4(d0);                                                                           \
        a1 += LOW4(d1);                                                                            \
        a1 += HIGH4(d1);                                                                           \
        a2 += LOW4(d2);                                                                            \
        a2 += HIGH4(d2);                                                                           \
        a3 += LOW4(d3);                                                                            \
        a3 += HIGH4(d3);                                                                           \
    }
#define FOUR_ROWS_PARAMETERS                                                                       \
    const double *rows4, const double *norms4, const double *weights4, const double *xt, intptr_t padded, \
        intptr_t d, const double *column_norms, intptr_t lower, intptr_t upper, double *column_sums,  \
        double *totals4
#define FOUR_ROWS_ARGUMENTS                                                                        \
    rows4, norms4, weights4, xt, padded, d, column_norms, lower, upper, column_sums, totals4
#define FOUR_ROWS_END                                                                              \
    totals4[0] = (a0[0] + a0[1]) + (a0[2] + a0[3]);                                                \
    totals4[1] = (a1[0] + a1[1]) + (a1[2] + a1[3]);                                                \
    totals4[2] = (a2[0] + a2[1]) + (a2[2] + a2[3]);                                                \
    totals4[3] = (a3[0] + a3[1]) + (a3[2] + a3[3]);

// k-means++'s pass (`seglab_plus_plus_pass`) over consecutive blocks of W rows: the rows are
// read in order, so the hardware streams them, and a block is loaded only when one of its rows
// is above its threshold (for the fold, then for the candidates). Every row of a loaded block
// gets its distances: a row at or below its threshold would keep its closest distance anyway
// (the caller's thresholds guarantee that), so the results are the same bits as computing
// only the rows above, and a loaded block is scored whichever rows made it load. `xt` holds
// the block's rows, feature-major; d is 8 or the features. Lanes past the last row (a partial
// block) repeat it and are never stored.

// Whether a lane is above its owner's threshold in `t_` (NaN included).
#define PLUS_PLUS_ANY_ABOVE(t_)                                                                    \
    ({                                                                                             \
        VD t4;                                                                                     \
        for (int q = 0; q < W; q++) t4[q] = (t_)[own[q]];                                          \
        __builtin_reduce_or(~(VL)(near <= t4)) != 0;                                               \
    })
// Four candidates' distances (the last one repeated past `trials`) kept where below the closest
// distance, and each row's four added to s_, row after row: the lanes transposed by ROWS_OF_4.
#define PLUS_PLUS_SCORE_GROUP(g_, s_)                                                              \
    {                                                                                              \
        const intptr_t t0 = (g_), t1 = t0 + 1 < trials ? t0 + 1 : trials - 1;                       \
        const intptr_t t2 = t0 + 2 < trials ? t0 + 2 : trials - 1, t3 = t0 + 3 < trials ? t0 + 3 : trials - 1; \
        FOUR_DOTS(candidates + t0 * d, candidates + t1 * d, candidates + t2 * d, candidates + t3 * d) \
        a0 = FINISH(a0, candidate_norms[t0]);                                                      \
        a1 = FINISH(a1, candidate_norms[t1]);                                                      \
        a2 = FINISH(a2, candidate_norms[t2]);                                                      \
        a3 = FINISH(a3, candidate_norms[t3]);                                                      \
        a0 = SELECT(a0 < near, a0, near);                                                          \
        a1 = SELECT(a1 < near, a1, near);                                                          \
        a2 = SELECT(a2 < near, a2, near);                                                          \
        a3 = SELECT(a3 < near, a3, near);                                                          \
        if (valid == W) {                                                                          \
            ROWS_OF_4(a0, a1, a2, a3, s_)                                                          \
        } else {                                                                                   \
            for (int q = 0; q < valid; q++) s_ += (v4d){a0[q], a1[q], a2[q], a3[q]};               \
        }                                                                                          \
    }
#define PLUS_PLUS_BLOCKS(dims_, XT_BEGIN, XT_END)                                                  \
    {                                                                                              \
        const intptr_t d = (dims_);                                                                \
        XT_BEGIN                                                                                   \
        for (intptr_t j = 0; j < count; j += W) {                                                  \
            const int valid = count - j < W ? (int)(count - j) : W;                                \
            const intptr_t base = first + j;                                                       \
            if (j + PLUS_PLUS_AHEAD_ROWS + W <= count) {                                           \
                const char *ahead_ = (const char *)(x + (base + PLUS_PLUS_AHEAD_ROWS) * d);          \
                for (intptr_t l_ = 0; l_ < W * d * 8; l_ += 64) __builtin_prefetch(ahead_ + l_);    \
            }                                                                                      \
            VD near, n4;                                                                           \
            int32_t own[W];                                                                        \
            const double *p[W];                                                                    \
            for (int q = 0; q < W; q++) p[q] = x + (base + (q < valid ? q : valid - 1)) * d;       \
            if (valid == W) {                                                                      \
                memcpy(&near, closest + base, sizeof near);                                        \
                memcpy(own, owner + base, sizeof own);                                             \
            } else {                                                                               \
                for (int q = 0; q < W; q++) {                                                      \
                    intptr_t r_ = base + (q < valid ? q : valid - 1);                              \
                    near[q] = closest[r_];                                                         \
                    own[q] = owner[r_];                                                            \
                }                                                                                  \
            }                                                                                      \
            /* Without a row above the fold's thresholds, near and own stay as they are. */          \
            const int fold_here = fold_center && PLUS_PLUS_ANY_ABOVE(fold_thresholds);             \
            if (fold_here || (trials > 0 && PLUS_PLUS_ANY_ABOVE(thresholds))) {                    \
                GATHER_ROWS(p)                                                                     \
                ROW_NORMS                                                                          \
                top = MAX(top, n4);                                                                \
                if (fold_here) {                                                                   \
                    ONE_DOT(fold_center)                                                           \
                    a0 = FINISH(a0, fold_norm);                                                    \
                    VL take = a0 < near;                                                           \
                    near = SELECT(take, a0, near);                                                 \
                    for (int q = 0; q < W; q++) own[q] = take[q] ? fold_index : own[q];            \
                    if (valid == W) {                                                              \
                        memcpy(closest + base, &near, sizeof near);                                \
                        memcpy(owner + base, own, sizeof own);                                     \
                    } else {                                                                       \
                        for (int q = 0; q < valid; q++) {                                          \
                            closest[base + q] = near[q];                                           \
                            owner[base + q] = own[q];                                              \
                        }                                                                          \
                    }                                                                              \
                }                                                                                  \
                listed += trials > 0 ? valid : 0;                                                  \
                for (intptr_t g = 0; g < trials; g += 4) {                                         \
                    v4d s_ = sums4[g / 4];                                                         \
                    PLUS_PLUS_SCORE_GROUP(g, s_)                                                   \
                    sums4[g / 4] = s_;                                                             \
                }                                                                                  \
            } else {                                                                               \
                for (intptr_t g = 0; g < trials; g += 4) {                                         \
                    v4d s_ = sums4[g / 4];                                                         \
                    for (int q = 0; q < valid; q++) s_ += SPLAT4(near[q]);                         \
                    sums4[g / 4] = s_;                                                             \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        XT_END                                                                                     \
    }
// Rows 0 … W − 1 of four vectors (lane q is row q) as four-lane vectors {a0[q], a1[q], a2[q],
// a3[q]}, added to s_ in row order.
#define ROWS_OF_4_W4(a0, a1, a2, a3, s_)                                                           \
    {                                                                                              \
        v4d e01 = __builtin_shufflevector(a0, a1, 0, 4, 2, 6), o01 = __builtin_shufflevector(a0, a1, 1, 5, 3, 7); \
        v4d e23 = __builtin_shufflevector(a2, a3, 0, 4, 2, 6), o23 = __builtin_shufflevector(a2, a3, 1, 5, 3, 7); \
        s_ += __builtin_shufflevector(e01, e23, 0, 1, 4, 5);                                       \
        s_ += __builtin_shufflevector(o01, o23, 0, 1, 4, 5);                                       \
        s_ += __builtin_shufflevector(e01, e23, 2, 3, 6, 7);                                       \
        s_ += __builtin_shufflevector(o01, o23, 2, 3, 6, 7);                                       \
    }
#define ROWS_OF_4_W8(a0, a1, a2, a3, s_)                                                           \
    {                                                                                              \
        v8d e01 = __builtin_shufflevector(a0, a1, 0, 8, 2, 10, 4, 12, 6, 14);                      \
        v8d o01 = __builtin_shufflevector(a0, a1, 1, 9, 3, 11, 5, 13, 7, 15);                      \
        v8d e23 = __builtin_shufflevector(a2, a3, 0, 8, 2, 10, 4, 12, 6, 14);                      \
        v8d o23 = __builtin_shufflevector(a2, a3, 1, 9, 3, 11, 5, 13, 7, 15);                      \
        v8d r02 = __builtin_shufflevector(e01, e23, 0, 1, 8, 9, 2, 3, 10, 11);                     \
        v8d r13 = __builtin_shufflevector(o01, o23, 0, 1, 8, 9, 2, 3, 10, 11);                     \
        v8d r46 = __builtin_shufflevector(e01, e23, 4, 5, 12, 13, 6, 7, 14, 15);                   \
        v8d r57 = __builtin_shufflevector(o01, o23, 4, 5, 12, 13, 6, 7, 14, 15);                   \
        s_ += LOW4(r02);                                                                           \
        s_ += LOW4(r13);                                                                           \
        s_ += HIGH4(r02);                                                                          \
        s_ += HIGH4(r13);                                                                          \
        s_ += LOW4(r46);                                                                           \
        s_ += LOW4(r57);                                                                           \
        s_ += HIGH4(r46);                                                                          \
        s_ += HIGH4(r57);                                                                          \
    }
#define PLUS_PLUS_BODY                                                                             \
    {                                                                                              \
        intptr_t listed = 0;                                                                       \
        /* Per four candidates, their sums side by side (each still in row order). */             \
        v4d sums4[trials > 0 ? (trials + 3) / 4 : 1];                                              \
        for (intptr_t g = 0; g < trials; g += 4)                                                   \
            for (int u = 0; u < 4; u++) sums4[g / 4][u] = potentials[g + u < trials ? g + u : trials - 1]; \
        VD top = SPLAT(0.0);                                                                       \
        if (dims == 8) PLUS_PLUS_BLOCKS(8, XT_FIXED, XT_NONE)                                      \
        else PLUS_PLUS_BLOCKS(dims, SCRATCH_BEGIN, SCRATCH_END)                                    \
        for (intptr_t t = 0; t < trials; t++) potentials[t] = sums4[t / 4][t % 4];                 \
        if (largest_norm) {                                                                        \
            double t = 0;                                                                          \
            for (int q = 0; q < W; q++) t = top[q] > t ? top[q] : t;                               \
            *largest_norm = t;                                                                     \
        }                                                                                          \
        return listed;                                                                             \
    }
#define PLUS_PLUS_PARAMETERS                                                                       \
    const double *x, intptr_t dims, intptr_t first, intptr_t count, double *closest,               \
        int32_t *owner, const double *fold_center, double fold_norm, const double *fold_thresholds,  \
        int32_t fold_index, const double *candidates, const double *candidate_norms, intptr_t trials, \
        const double *thresholds, double *potentials, double *largest_norm
#define PLUS_PLUS_ARGUMENTS                                                                        \
    x, dims, first, count, closest, owner, fold_center, fold_norm, fold_thresholds, fold_index,    \
        candidates, candidate_norms, trials, thresholds, potentials, largest_norm

typedef float v4f __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));
typedef int v4i __attribute__((vector_size(16)));
typedef int v8i __attribute__((vector_size(32)));
#define SPLATF4(s) ((v4f){(s), (s), (s), (s)})
#define SPLATF8(s) ((v8f){(s), (s), (s), (s), (s), (s), (s), (s)})

// The baseline: 4-row blocks.
#define W 4
#define VD v4d
#define VL v4l
#define VF v4f
#define VI v4i
#define SPLAT SPLAT4
#define SPLATL SPLATL4
#define SPLATF SPLATF4
#define GATHER GATHER4
#define GATHER_ROWS GATHER_EACH_FEATURE
#define MIN MIN_BASELINE
#define MAX MAX_BASELINE
static void nearest_two_baseline(NEAREST_TWO_PARAMETERS) NEAREST_TWO_BODY
static void distances_baseline(DISTANCES_PARAMETERS) DISTANCES_BODY
#define ROWS_OF_4 ROWS_OF_4_W4
static intptr_t plus_plus_baseline(PLUS_PLUS_PARAMETERS) PLUS_PLUS_BODY
static intptr_t new_bounds_baseline(NEW_BOUNDS_PARAMETERS) NEW_BOUNDS_BODY
static void four_rows_baseline(FOUR_ROWS_PARAMETERS) {
    v4d a0 = SPLAT4(0.0), a1 = a0, a2 = a0, a3 = a0;
    for (intptr_t j = lower & ~(intptr_t)3; j < upper; j += 4) FOUR_ROWS_STEP4(MAX, j)
    FOUR_ROWS_END
}
#undef MIN
#undef MAX
#if defined(__x86_64__)
#define MIN MIN_AVX2
#define MAX MAX_AVX2
__attribute__((target("avx2"))) static void nearest_two_avx2(NEAREST_TWO_PARAMETERS) NEAREST_TWO_BODY
__attribute__((target("avx2"))) static void distances_avx2(DISTANCES_PARAMETERS) DISTANCES_BODY
__attribute__((target("avx2"))) static intptr_t plus_plus_avx2(PLUS_PLUS_PARAMETERS) PLUS_PLUS_BODY
__attribute__((target("avx2"))) static intptr_t new_bounds_avx2(NEW_BOUNDS_PARAMETERS) NEW_BOUNDS_BODY
__attribute__((target("avx2"))) static void four_rows_avx2(FOUR_ROWS_PARAMETERS) {
    v4d a0 = SPLAT4(0.0), a1 = a0, a2 = a0, a3 = a0;
    for (intptr_t j = lower & ~(intptr_t)3; j < upper; j += 4) FOUR_ROWS_STEP4(MAX, j)
    FOUR_ROWS_END
}
#undef MIN
#undef MAX
#endif
#undef W
#undef VD
#undef VL
#undef VF
#undef VI
#undef SPLAT
#undef SPLATL
#undef SPLATF
#undef GATHER
#undef GATHER_ROWS

#if defined(__x86_64__)
// AVX-512: 8-row blocks.
#define W 8
#define VD v8d
#define VL v8l
#define VF v8f
#define VI v8i
#define SPLAT SPLAT8
#define SPLATL SPLATL8
#define SPLATF SPLATF8
#define GATHER GATHER8
#define GATHER_ROWS(p)                                                                             \
    if (d == 8) TRANSPOSE_8_BY_8(p) else GATHER_EACH_FEATURE(p)
#define MIN MIN_AVX512
#define MAX MAX_AVX512
__attribute__((target("avx512f"))) static void nearest_two_avx512(NEAREST_TWO_PARAMETERS) NEAREST_TWO_BODY
__attribute__((target("avx512f"))) static void distances_avx512(DISTANCES_PARAMETERS) DISTANCES_BODY
#undef ROWS_OF_4
#define ROWS_OF_4 ROWS_OF_4_W8
__attribute__((target("avx512f"))) static intptr_t plus_plus_avx512(PLUS_PLUS_PARAMETERS) PLUS_PLUS_BODY
#undef ROWS_OF_4
// Eight rows' new bounds at once; their labels and bound pairs loaded and stored in place when
// the eight rows are consecutive (every row in the first iteration, most in the second), else
// one by one: AVX-512's gathers and scatters cost several times more on AMD's Zen 4 (4.1–4.7
// against 7.8–7.9 ns a row with a quarter of a chunk's rows listed, in a micro-benchmark). Only
// the rows whose label changed mark their clusters one by one. The last rows as at the AVX2
// level.
__attribute__((target("avx512f"))) static intptr_t new_bounds_avx512(NEW_BOUNDS_PARAMETERS) {
    const double grow = 1 + 0x1p-44, shrink = 1 - 0x1p-44;
    const __m512i lanes = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    intptr_t changed = 0, j = 0;
    for (; j + W <= m; j += W) {
        NEW_BOUNDS_LANES;
        __m512i index = _mm512_loadu_si512((const void *)(rows + j));
        __m256i label = _mm256_loadu_si256((const __m256i *)(found + j));
        const intptr_t start = rows[j];
        const int consecutive = _mm512_cmpeq_epi64_mask(index, _mm512_add_epi64(_mm512_set1_epi64(start), lanes)) == 0xff;
        __m256i old;
        if (consecutive) {
            old = _mm256_loadu_si256((const __m256i *)(labels + start));
        } else {
            int32_t o[W];
            for (int q = 0; q < W; q++) o[q] = labels[rows[j + q]];
            memcpy(&old, o, sizeof o);
        }
        unsigned moved = ~(unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(old, label))) & 0xffu;
        changed += __builtin_popcount(moved);
        if (moved) {
            const intptr_t lowest = _mm512_mask_reduce_min_epi64((__mmask8)moved, index);
            *first_changed = lowest < *first_changed ? lowest : *first_changed;
            int32_t previous[W];
            memcpy(previous, &old, sizeof previous);
            for (; moved; moved &= moved - 1) {
                int q = __builtin_ctz(moved);
                touched[found[j + q]] = 1;
                touched[previous[q] > 0 ? previous[q] : 0] = 1;
            }
        }
        __m512i pair = _mm512_or_si512(_mm512_cvtepu32_epi64((__m256i)lower),
                                       _mm512_slli_epi64(_mm512_cvtepu32_epi64((__m256i)(-upper)), 32));
        if (consecutive) {
            _mm256_storeu_si256((__m256i *)(labels + start), label);
            _mm512_storeu_si512((void *)(bounds + 2 * start), pair);
        } else {
            int32_t l[W];
            uint64_t b[W];
            memcpy(l, &label, sizeof l);
            memcpy(b, &pair, sizeof b);
            for (int q = 0; q < W; q++) {
                labels[rows[j + q]] = l[q];
                memcpy(bounds + 2 * rows[j + q], &b[q], sizeof b[q]);
            }
        }
    }
    if (j < m) {
        changed += new_bounds_avx2(rows + j, m - j, found + j, best + j, second + j, error, travelled, travelled_max,
                                   labels, bounds, touched, first_changed);
    }
    return changed;
}
// Eight columns per step while they are all before `upper`, then steps of four: columns past
// `upper` could be past the end of the copy.
__attribute__((target("avx512f"))) static void four_rows_avx512(FOUR_ROWS_PARAMETERS) {
    v4d a0 = SPLAT4(0.0), a1 = a0, a2 = a0, a3 = a0;
    intptr_t j = lower & ~(intptr_t)3;
    for (; j + 8 <= upper; j += 8) FOUR_ROWS_STEP8(MAX, j)
    for (; j < upper; j += 4) FOUR_ROWS_STEP4(MAX_AVX512_4, j)
    FOUR_ROWS_END
}
#endif

// Branch-free: whether a row is decided is close to a coin toss in the early iterations,
// where a branch would be mispredicted. Every row is written, kept only when undecided.
#define UNDECIDED_FROM(start)                                                                      \
    for (intptr_t row = (start); row < first + count; row++) {                                     \
        const float *b = bounds + 2 * row, *t = thresholds + 2 * (intptr_t)labels[row];            \
        int decided = (b[0] > t[0]) | (b[1] > t[1]);                                               \
        undecided[n] = row;                                                                        \
        n += 1 - decided;                                                                          \
    }

static intptr_t undecided_baseline(const float *bounds, const int32_t *labels, const float *thresholds,
                                   intptr_t first, intptr_t count, intptr_t *undecided) {
    intptr_t n = 0;
    UNDECIDED_FROM(first)
    return n;
}

#if defined(__x86_64__)
// Eight rows at a time: their threshold pairs looked up by label, sixteen comparisons at once,
// the undecided rows' indices compressed into place. With up to sixteen clusters the pairs sit
// in two registers and one permute looks them up (a gather costs several times more on Zen 4);
// beyond, they are gathered from memory.
__attribute__((target("avx512f"))) static intptr_t undecided_avx512(const float *bounds, const int32_t *labels,
                                                                     const float *thresholds, intptr_t k, intptr_t first,
                                                                     intptr_t count, intptr_t *undecided) {
    intptr_t n = 0, i = first;
    const __m512i lanes = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i ones = _mm512_set1_epi32(-1);
    __m512i low = _mm512_setzero_si512(), high = low;
    if (k <= 16) {
        int64_t pairs[16] = {0};
        memcpy(pairs, thresholds, (size_t)k * sizeof(int64_t));
        memcpy(&low, pairs, sizeof low);
        memcpy(&high, pairs + 8, sizeof high);
    }
    for (; i + 8 <= first + count; i += 8) {
        __m256i label = _mm256_loadu_si256((const __m256i *)(labels + i));
        __m512 t = _mm512_castsi512_ps(k <= 16 ? _mm512_permutex2var_epi64(low, _mm512_cvtepu32_epi64(label), high)
                                               : _mm512_i32gather_epi64(label, (const void *)thresholds, 8));
        __m512 b = _mm512_loadu_ps(bounds + 2 * i);
        __mmask16 above = _mm512_cmp_ps_mask(b, t, _CMP_GT_OQ);
        __m512i halves = _mm512_maskz_mov_epi32(above, ones);
        __mmask8 open = (__mmask8)~_mm512_test_epi64_mask(halves, halves);
        // The compress-store to memory is microcoded on AMD's Zen 4 (it cost a tenth of a K-Means
        // fit); the compress in a register is not. All eight lanes are stored: the entries past
        // the packed ones are overwritten next, and the list has room for them (one entry per
        // row of the chunk, and at most i − first of them are taken).
        _mm512_storeu_si512((void *)(undecided + n), _mm512_maskz_compress_epi64(open, _mm512_add_epi64(_mm512_set1_epi64(i), lanes)));
        n += __builtin_popcount((unsigned)open);
    }
    UNDECIDED_FROM(i)
    return n;
}
#endif

intptr_t seglab_undecided(const float *bounds, const int32_t *labels, const float *thresholds, intptr_t k,
                          intptr_t first, intptr_t count, intptr_t *undecided) {
#if defined(__x86_64__)
    if (seglab_kernel_level() == 2) return undecided_avx512(bounds, labels, thresholds, k, first, count, undecided);
#endif
    return undecided_baseline(bounds, labels, thresholds, first, count, undecided);
}

static void add_rows_baseline(const double *x, intptr_t d, const int32_t *labels, intptr_t first, intptr_t count,
                              double *sums, intptr_t *counts) {
    for (intptr_t i = first; i < first + count; i++) {
        const double *r = x + i * d;
        double *s = sums + (intptr_t)labels[i] * d;
        counts[labels[i]] += 1;
        for (intptr_t f = 0; f < d; f++) s[f] += r[f];
    }
}

#if defined(__x86_64__)
// Eight features (the RFM sets): a row is one load and one add of a 512-bit vector, into sums
// copied to 64-byte-aligned storage for the pass (a sum straddling two cache lines made every
// store a split store, which the next load of that sum waits for).
__attribute__((target("avx512f"))) static void add_rows_avx512(const double *x, intptr_t d, const int32_t *labels,
                                                                intptr_t first, intptr_t count, intptr_t k,
                                                                double *sums, intptr_t *counts) {
    if (d != 8) {
        add_rows_baseline(x, d, labels, first, count, sums, counts);
        return;
    }
    // On the stack up to 256 clusters (16 KB), on the heap beyond.
    double stack_sums[k <= 256 ? 8 * k + 8 : 8];
    double *aligned = k <= 256 ? (double *)(((uintptr_t)stack_sums + 63) & ~(uintptr_t)63)
                               : aligned_alloc(64, sizeof(double) * 8 * (size_t)k);
    memcpy(aligned, sums, sizeof(double) * 8 * k);
    for (intptr_t i = first; i < first + count; i++) {
        double *s = aligned + (intptr_t)labels[i] * 8;
        counts[labels[i]] += 1;
        _mm512_store_pd(s, _mm512_add_pd(_mm512_load_pd(s), _mm512_loadu_pd(x + i * 8)));
    }
    memcpy(sums, aligned, sizeof(double) * 8 * k);
    if (k > 256) free(aligned);
}
#endif

void seglab_add_rows(const double *x, intptr_t d, const int32_t *labels, intptr_t first, intptr_t count, intptr_t k,
                     double *sums, intptr_t *counts) {
#if defined(__x86_64__)
    if (seglab_kernel_level() == 2) {
        add_rows_avx512(x, d, labels, first, count, k, sums, counts);
        return;
    }
#endif
    add_rows_baseline(x, d, labels, first, count, sums, counts);
}

int32_t seglab_kernel_level_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2")) return 1;
#endif
    return 0;
}

static _Atomic int32_t level = -1;

int32_t seglab_set_kernel_level(int32_t wanted) {
    int32_t supported = seglab_kernel_level_supported();
    int32_t chosen = wanted < 0 ? 0 : (wanted < supported ? wanted : supported);
    atomic_store_explicit(&level, chosen, memory_order_relaxed);
    return chosen;
}

int32_t seglab_kernel_level(void) {
    int32_t current = atomic_load_explicit(&level, memory_order_relaxed);
    if (current >= 0) return current;
    const char *lowered = getenv("SEGLAB_KERNEL_LEVEL");
    return seglab_set_kernel_level(lowered && *lowered ? atoi(lowered) : 2);
}

// The kernel `name` compiled for the level in use (a function, called with the arguments).
#if defined(__x86_64__)
#define AT_LEVEL(name)                                                                             \
    (seglab_kernel_level() == 2 ? name##_avx512 : seglab_kernel_level() == 1 ? name##_avx2 : name##_baseline)
#else
#define AT_LEVEL(name) name##_baseline
#endif

void seglab_nearest_two(NEAREST_TWO_PARAMETERS) {
    if (m > 0) AT_LEVEL(nearest_two)(NEAREST_TWO_ARGUMENTS);
}

void seglab_distances(DISTANCES_PARAMETERS) {
    if (count > 0) AT_LEVEL(distances)(DISTANCES_ARGUMENTS);
}

void seglab_four_rows(FOUR_ROWS_PARAMETERS) { AT_LEVEL(four_rows)(FOUR_ROWS_ARGUMENTS); }

intptr_t seglab_new_bounds(NEW_BOUNDS_PARAMETERS) { return m > 0 ? AT_LEVEL(new_bounds)(NEW_BOUNDS_ARGUMENTS) : 0; }

intptr_t seglab_plus_plus_pass(PLUS_PLUS_PARAMETERS) { return AT_LEVEL(plus_plus)(PLUS_PLUS_ARGUMENTS); }
