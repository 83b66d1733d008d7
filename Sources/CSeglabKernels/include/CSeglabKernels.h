#ifndef CSEGLAB_KERNELS_H
#define CSEGLAB_KERNELS_H

#include <stdint.h>

// Squared distances here are the expanded form of SeglabNumerics' `Kernels`:
// (‖x‖² − 2·x·c) + ‖c‖², the dot product summed in feature order with separate multiplies
// and adds, clamped at 0. `x` is n × d and `centers` k × d, row-major; `center_norms` are the
// centres' squared norms, and a row's squared norm is computed from the row as it is read,
// summed in feature order as `Kernels.rowSquaredNorms` sums it (reading a norm from an n-sized
// array cost a cache line per scattered row). Every instruction set computes the same bits.

/// For the `m` rows of `x` listed in `rows`: the nearest centre (lowest index on ties) into
/// `labels[j]`, its squared distance into `best[j]` and the smallest squared distance to any
/// other centre into `second[j]` (+inf with one centre).
void seglab_nearest_two(const double *x, const intptr_t *rows, intptr_t m, intptr_t d, const double *centers,
                        const double *center_norms, intptr_t k, int32_t *labels, double *best, double *second);

/// The squared distance from row r_i (i < count) to centre c into `out[c * stride + i]`, where
/// r_i is `rows[i]` when `rows` is not null (the rows listed), `first + i` otherwise (a range).
void seglab_distances(const double *x, const intptr_t *rows, intptr_t first, intptr_t count, intptr_t d,
                      const double *centers, const double *center_norms, intptr_t k, double *out, intptr_t stride);

/// One k-means++ pass over rows first ≤ i < first + count, read in order, a block of rows at a
/// time. `closest[i]` is row i's squared distance to its nearest chosen centre so far and
/// `owner[i]` that centre's position among the chosen ones.
///
/// First, when `fold_center` is not null, the centre just chosen (squared norm `fold_norm`,
/// position `fold_index`) is folded in: a row takes its distance to it, and the new owner, when
/// strictly smaller. Then, when `trials` > 0, the candidates (`trials` × d, squared norms
/// `candidate_norms`) are scored: Σ min(closest[i], distance of t to row i) over the rows in row
/// order is added to `potentials[t]`.
///
/// A row at or below `fold_thresholds[owner[i]]` must not be able to come strictly nearer to the
/// folded centre, nor one at or below `thresholds[owner[i]]` to any candidate (NaN thresholds
/// decide nothing): a block whose rows are all at or below is not read, and the results are
/// those of computing every distance. When `largest_norm` is not null, the largest squared norm
/// of the rows read (0 if none) is stored there. Returns how many rows were read for the
/// candidates.
intptr_t seglab_plus_plus_pass(const double *x, intptr_t d, intptr_t first, intptr_t count,
                               double *closest, int32_t *owner, const double *fold_center, double fold_norm,
                               const double *fold_thresholds, int32_t fold_index, const double *candidates,
                               const double *candidate_norms, intptr_t trials, const double *thresholds,
                               double *potentials, double *largest_norm);

/// The bounded K-Means step's new bounds for the `m` rows listed in `rows`, which
/// `seglab_nearest_two` gave the labels `found`, nearest squared distances `best` and second
/// nearest `second`: u = √((best + error)·(1 + 2⁻⁴⁴))·(1 + 2⁻⁴⁴) and l = √((second −
/// error)·(1 − 2⁻⁴⁴))·(1 − 2⁻⁴⁴) (each root of a value clamped at 0), upper = u − travelled[label]
/// rounded up to single precision, bounds[2i] = ((l + travelled_max)·(1 − 2⁻⁴⁴) − upper) rounded
/// down, bounds[2i + 1] = −upper, for row i = rows[j]; labels[i] = found[j], and touched[c] |= 1
/// for each cluster c that lost or gained a row (a negative old label counts as cluster 0);
/// `*first_changed` is lowered to the smallest row whose label changed, if below it. Returns how
/// many labels changed.
intptr_t seglab_new_bounds(const intptr_t *rows, intptr_t m, const int32_t *found, const double *best,
                           const double *second, double error, const double *travelled, double travelled_max,
                           int32_t *labels, float *bounds, int32_t *touched, intptr_t *first_changed);

/// The bounds test of the bounded K-Means step: row i (first ≤ i < first + count) is decided
/// when bounds[2i] > thresholds[2·labels[i]] or bounds[2i + 1] > thresholds[2·labels[i] + 1]
/// (comparisons of single-precision numbers, false with a NaN); every label is in 0 ..< k.
/// Writes the rows that are not decided to `undecided`, in order, and returns how many;
/// `undecided` has room for `count` entries, all of which may be written.
intptr_t seglab_undecided(const float *bounds, const int32_t *labels, const float *thresholds, intptr_t k,
                          intptr_t first, intptr_t count, intptr_t *undecided);

/// Adds row i of `x` (n × d) to `sums[labels[i] * d ...]` (k × d) and counts it in
/// `counts[labels[i]]`, for first ≤ i < first + count in row order (so each sum is the plain
/// loop's, to the bit); every label is in 0 ..< k.
void seglab_add_rows(const double *x, intptr_t d, const int32_t *labels, intptr_t first, intptr_t count, intptr_t k,
                     double *sums, intptr_t *counts);

/// The silhouette's distance sums for four rows (row q's features at rows4[q * d …], its
/// squared norm norms4[q]) against the columns lower ≤ j < upper of `xt` (feature-major, feature
/// f of column j at xt[f * padded + j], squared norms column_norms[j]; readable to the next
/// multiple of 4 after `upper`): totals4[q] = Σ_j √max(0, (norms4[q] − 2·dot) + column_norms[j]),
/// in lanes of four columns (column j in lane j mod 4, summed in column order, the lanes then
/// added as (l0 + l1) + (l2 + l3)); with `column_sums`, column_sums[j] += ((d0 + d1·w1) + d2·w2)
/// + d3·w3 (w = weights4).
void seglab_four_rows(const double *rows4, const double *norms4, const double *weights4, const double *xt,
                      intptr_t padded, intptr_t d, const double *column_norms, intptr_t lower, intptr_t upper,
                      double *column_sums, double *totals4);

/// The instruction sets the kernels can use: 0 the baseline (SSE2 on x86-64), 1 AVX2,
/// 2 AVX-512. `seglab_kernel_level()` is the one they use: the best this CPU and OS support,
/// or lower if the environment variable SEGLAB_KERNEL_LEVEL says so when first called.
int32_t seglab_kernel_level(void);
int32_t seglab_kernel_level_supported(void);
/// Uses `level` (clamped to what is supported) from now on; returns the level in use.
int32_t seglab_set_kernel_level(int32_t level);

#endif
