/*
 * anchor.c: the C yardstick of `npm run bench`. A plain implementation of dwgd's batch-1
 * training step for every benchmarked method, and of evaluation, written from
 * docs/METHOD.md §2–5 (momentum and adam at their defaults, §4.2): dense row-major weights, loops the compiler vectorises, no
 * intrinsics. It tells how fast a competent C loop runs the same algebra on this machine;
 * it is not part of the product.
 *
 * Build: cc -O3 -march=native -fopenmp-simd -fno-math-errno anchor.c -lm -o anchor64   (float64)
 *        the same with -DANCHOR_F32 -o anchor32                        (float32 throughout)
 *
 * Inputs (little-endian, written by bench/anchor.ts):
 *   pool: int32 magic 0x4C4F4F50, version 1, nRows, nIn, nTrain, nTest, nOrder;
 *         float32 x[nRows·nIn], float32 y[nRows]; int32 train[nTrain], test[nTest], order[nOrder]
 *   net:  int32 magic 0x5754454E, version 1, loss (0 softmax-ce, 1 mse), nSizes, sizes[nSizes];
 *         float64 W of each layer (n_out × n_in row-major), then float64 b of each layer
 * Commands (JSON lines on stdout; bad input: one line on stderr, exit 2):
 * METHOD is sgd, dwm, dwm-stable, l2-<λ>, weight-decay-<λ>, momentum, adam, sgd-gated-decay,
 * optionally followed by training-time options (docs/METHOD.md §7), each `+<name>-<value>`:
 * +dropout-<p> inverted dropout on the hidden units, +noise-<σ> Gaussian noise on each training
 * input (rounded to float32), +maxnorm-<c> every unit's incoming row scaled to norm ≤ c after
 * each update, +smooth-<ε> label smoothing of softmax-ce. The masks and the noise are drawn as
 * dwgd draws them (src/core/regularizers.ts: xoshiro128** seeded from the run seed 0 and the
 * streams `train.dropout:<METHOD>` and `train.inputNoise:<METHOD>`, METHOD with its options;
 * src/core/rng.ts; the normal by Box–Muller with C's log, sin and cos), so the weights match.
 * Or METHOD is any of the rules above followed by `@dwgd` (no options):
 * the same step with layer 0 held and stepped as dwgd's fast engine does (see "METHOD@dwgd" below).
 *   train POOL NET METHOD LR [LIFE]   2,000 warm-up steps on order[0], order[1], … (wrapping),
 *                              then `{"ready":true}`; then for each line of stdin holding a number
 *                              of seconds S, steps on along the order for S seconds and prints
 *                              `{"stepsPerSec":…}`; at the end of stdin, a checksum line
 *                              (steps, finite, loss sum, weight sum). LIFE > 0: before step s
 *                              when s is a positive multiple of LIFE, the network and the
 *                              random streams start over from the initial ones (the model
 *                              lives LIFE steps, as a model of the paper's grid lives 60,000);
 *                              the restart is not timed
 *   eval POOL NET LR           1,000 sgd steps on train[k mod nTrain], then the ready line with
 *                              the score of one pass over the test list (correct answers or
 *                              summed squared error; −1 if not finite); each S: whole passes
 *                              over the test list for S seconds, `{"samplesPerSec":…}`
 *   check POOL NET METHOD LR STEPS OUT [LIFE]   STEPS steps on order[0..STEPS) (restarting
 *                              every LIFE steps as train does), then writes the
 *                              parameters to OUT as float64 (per layer W, b and, for dwm and
 *                              dwm-stable, W1 and W2) and prints the loss sum and test score
 *                              (with @dwgd also how often the rare paths ran: overshoots,
 *                              folds of a scale into its vectors, recounts of l2's ‖U‖²)
 * Timing follows the bench's rule: chunks of steps starting at 64, doubled while less than an
 * eighth of S has passed, until S has passed. The caller asks for each timed run separately,
 * so it can interleave them with its own and take the best of several.
 */

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tgmath.h>
#include <time.h>

#ifdef ANCHOR_F32
typedef float real;
#define PRECISION "float32"
#else
typedef double real;
#define PRECISION "float64"
#endif

typedef enum { SGD, DWM, DWM_STABLE, L2, WEIGHT_DECAY, MOMENTUM, ADAM, GATED } Method;

/* momentum (β 0.9, heavy ball) and adam (β1 0.9, β2 0.999, ε 1e-8, no decay) at their defaults (docs/METHOD.md §4.2). */
static const real BETA = 0.9, BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

typedef struct {
  int nIn, nOut;
  real *W, *b;           /* effective weights (row j = output unit j) and biases */
  real *W1, *W2;         /* dual rules: the two sides, W = W1 − W2 */
  real *A;               /* dwm-stable: running mean of |δ| per unit, starts at 1 */
  double sumSq;          /* l2: ‖W‖² as left by the last update */
  real *m, *v, *mb, *vb; /* momentum: velocity of W and b (m, mb); adam: first and second moments */
  real *z, *act, *delta; /* act = ReLU(z) for hidden layers, the last layer's act is z */
  real *mask;            /* +dropout: this step's multipliers of the hidden units (0 or 1/(1 − p)) */
} Layer;

typedef struct {
  int nLayers, mse;
  int dropping;          /* 1 during a training step with dropout: forward and backward apply the masks */
  int training;          /* 1 during a training step (label smoothing applies then) */
  real b1t, b2t; /* adam: β1^t, β2^t */
  Layer *layer;
  real *input;
} Net;

typedef struct {
  int nRows, nIn, nTrain, nTest, nOrder;
  float *x, *y;
  int32_t *train, *test, *order;
} Pool;

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("anchor: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static void *alloc(size_t count, size_t size) {
  size_t bytes = (count * size + 63) / 64 * 64;
  void *p = aligned_alloc(64, bytes ? bytes : 64);
  if (!p) die("out of memory (%zu bytes)", bytes);
  memset(p, 0, bytes ? bytes : 64);
  return p;
}

static void readAll(FILE *f, void *dst, size_t size, size_t count, const char *path, const char *what) {
  if (fread(dst, size, count, f) != count) die("%s: file ends before its %s", path, what);
}

static int32_t readInt(FILE *f, const char *path, const char *what) {
  int32_t v;
  readAll(f, &v, sizeof v, 1, path, what);
  return v;
}

static FILE *openInput(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) die("%s: %s", path, strerror(errno));
  return f;
}

static void checkIndices(const int32_t *idx, int n, int nRows, const char *path, const char *what) {
  for (int k = 0; k < n; k++)
    if (idx[k] < 0 || idx[k] >= nRows) die("%s: %s[%d] = %d is outside the pool of %d rows", path, what, k, idx[k], nRows);
}

static Pool readPool(const char *path) {
  FILE *f = openInput(path);
  Pool p;
  if (readInt(f, path, "magic") != 0x4C4F4F50) die("%s: not a pool file (bad magic number)", path);
  if (readInt(f, path, "version") != 1) die("%s: unknown pool file version", path);
  p.nRows = readInt(f, path, "row count");
  p.nIn = readInt(f, path, "input count");
  p.nTrain = readInt(f, path, "training-list length");
  p.nTest = readInt(f, path, "test-list length");
  p.nOrder = readInt(f, path, "order length");
  if (p.nRows < 1 || p.nIn < 1 || p.nTrain < 1 || p.nTest < 1 || p.nOrder < 1)
    die("%s: counts must be positive (rows %d, inputs %d, train %d, test %d, order %d)", path, p.nRows, p.nIn,
        p.nTrain, p.nTest, p.nOrder);
  p.x = alloc((size_t)p.nRows * p.nIn, sizeof(float));
  p.y = alloc(p.nRows, sizeof(float));
  p.train = alloc(p.nTrain, sizeof(int32_t));
  p.test = alloc(p.nTest, sizeof(int32_t));
  p.order = alloc(p.nOrder, sizeof(int32_t));
  readAll(f, p.x, sizeof(float), (size_t)p.nRows * p.nIn, path, "inputs");
  readAll(f, p.y, sizeof(float), p.nRows, path, "targets");
  readAll(f, p.train, sizeof(int32_t), p.nTrain, path, "training list");
  readAll(f, p.test, sizeof(int32_t), p.nTest, path, "test list");
  readAll(f, p.order, sizeof(int32_t), p.nOrder, path, "sample order");
  if (fgetc(f) != EOF) die("%s: bytes left over after the sample order", path);
  fclose(f);
  checkIndices(p.train, p.nTrain, p.nRows, path, "train");
  checkIndices(p.test, p.nTest, p.nRows, path, "test");
  checkIndices(p.order, p.nOrder, p.nRows, path, "order");
  return p;
}

static Net readNet(const char *path, Method method, int poolInputs) {
  FILE *f = openInput(path);
  Net net;
  net.b1t = net.b2t = 1;
  net.dropping = net.training = 0;
  if (readInt(f, path, "magic") != 0x5754454E) die("%s: not a network file (bad magic number)", path);
  if (readInt(f, path, "version") != 1) die("%s: unknown network file version", path);
  int loss = readInt(f, path, "loss");
  if (loss != 0 && loss != 1) die("%s: loss must be 0 (softmax-ce) or 1 (mse), got %d", path, loss);
  net.mse = loss == 1;
  int nSizes = readInt(f, path, "layer count");
  if (nSizes < 2 || nSizes > 64) die("%s: %d layer sizes (need 2 to 64)", path, nSizes);
  int sizes[64];
  for (int k = 0; k < nSizes; k++) {
    sizes[k] = readInt(f, path, "layer sizes");
    if (sizes[k] < 1) die("%s: layer size %d is %d", path, k, sizes[k]);
  }
  if (sizes[0] != poolInputs) die("%s: the network takes %d inputs, the pool has %d", path, sizes[0], poolInputs);
  if (net.mse && sizes[nSizes - 1] != 1) die("%s: mse needs exactly one output", path);
  net.nLayers = nSizes - 1;
  net.layer = calloc(net.nLayers, sizeof(Layer));
  net.input = alloc(sizes[0], sizeof(real));
  int dual = method == DWM || method == DWM_STABLE;
  for (int l = 0; l < net.nLayers; l++) {
    Layer *L = &net.layer[l];
    L->nIn = sizes[l];
    L->nOut = sizes[l + 1];
    size_t n = (size_t)L->nIn * L->nOut;
    L->W = alloc(n, sizeof(real));
    L->b = alloc(L->nOut, sizeof(real));
    L->z = alloc(L->nOut, sizeof(real));
    L->delta = alloc(L->nOut, sizeof(real));
    L->act = l + 1 < net.nLayers ? alloc(L->nOut, sizeof(real)) : L->z;
    L->mask = alloc(L->nOut, sizeof(real));
    double *w = malloc(n * sizeof(double));
    readAll(f, w, sizeof(double), n, path, "weights");
    double sumSq = 0;
    for (size_t i = 0; i < n; i++) {
      L->W[i] = (real)w[i];
      sumSq += (double)L->W[i] * L->W[i];
    }
    free(w);
    L->sumSq = sumSq;
    if (dual) { /* W1 takes the initial weights, W2 starts at zero (docs/METHOD.md §2) */
      L->W1 = alloc(n, sizeof(real));
      L->W2 = alloc(n, sizeof(real));
      memcpy(L->W1, L->W, n * sizeof(real));
    }
    if (method == MOMENTUM || method == ADAM) {
      L->m = alloc(n, sizeof(real));
      L->mb = alloc(L->nOut, sizeof(real));
      if (method == ADAM) L->v = alloc(n, sizeof(real)), L->vb = alloc(L->nOut, sizeof(real));
    }
    if (method == DWM_STABLE) {
      L->A = alloc(L->nOut, sizeof(real));
      for (int j = 0; j < L->nOut; j++) L->A[j] = 1;
    }
  }
  for (int l = 0; l < net.nLayers; l++) {
    double *b = malloc(net.layer[l].nOut * sizeof(double));
    readAll(f, b, sizeof(double), net.layer[l].nOut, path, "biases");
    for (int j = 0; j < net.layer[l].nOut; j++) net.layer[l].b[j] = (real)b[j];
    free(b);
  }
  if (fgetc(f) != EOF) die("%s: bytes left over after the biases", path);
  fclose(f);
  return net;
}

/* dst's parameters and optimiser state ← src's (a network as readNet made it, for the same
 * method); the scratch vectors (z, act, delta, mask) are rewritten by every step. */
static void restoreNet(Net *dst, const Net *src) {
  dst->b1t = src->b1t;
  dst->b2t = src->b2t;
  for (int l = 0; l < src->nLayers; l++) {
    Layer *D = &dst->layer[l];
    const Layer *S = &src->layer[l];
    const size_t n = (size_t)S->nIn * S->nOut, o = (size_t)S->nOut;
    memcpy(D->W, S->W, n * sizeof(real));
    memcpy(D->b, S->b, o * sizeof(real));
    D->sumSq = S->sumSq;
    if (S->W1) {
      memcpy(D->W1, S->W1, n * sizeof(real));
      memcpy(D->W2, S->W2, n * sizeof(real));
    }
    if (S->A) memcpy(D->A, S->A, o * sizeof(real));
    if (S->m) {
      memcpy(D->m, S->m, n * sizeof(real));
      memcpy(D->mb, S->mb, o * sizeof(real));
    }
    if (S->v) {
      memcpy(D->v, S->v, n * sizeof(real));
      memcpy(D->vb, S->vb, o * sizeof(real));
    }
  }
}

/* ---- dwgd's random streams (src/core/rng.ts), for the dropout masks ---- */

typedef struct { uint32_t a, b, c, d; } Rng;

static uint32_t splitmix32(uint32_t *s) {
  *s += 0x9e3779b9u;
  uint32_t z = *s;
  z = (z ^ (z >> 16)) * 0x85ebca6bu;
  z = (z ^ (z >> 13)) * 0xc2b2ae35u;
  return z ^ (z >> 16);
}

static uint32_t rotl32(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

/* The stream `name` under seed 0: the state from splitmix32 of the FNV-1a hash of the name
 * (its characters are ASCII here, so bytes are its UTF-16 code units). */
static Rng rngStream(const char *name) {
  uint32_t h = 0x811c9dc5u;
  for (const char *c = name; *c; c++) h = (h ^ (uint8_t)*c) * 0x01000193u;
  uint32_t st = h;
  Rng r = { splitmix32(&st), splitmix32(&st), splitmix32(&st), splitmix32(&st) };
  if ((r.a | r.b | r.c | r.d) == 0) r.a = 1;
  return r;
}

static uint32_t nextU32(Rng *r) {
  uint32_t result = rotl32(r->b * 5, 7) * 9, t = r->b << 9;
  r->c ^= r->a;
  r->d ^= r->b;
  r->b ^= r->c;
  r->a ^= r->d;
  r->c ^= t;
  r->d = rotl32(r->d, 11);
  return result;
}

/* Uniform in [0, 1) from 53 bits of two draws. */
static double uniform01(Rng *r) {
  uint32_t hi = nextU32(r) >> 5, lo = nextU32(r) >> 6;
  return ((double)hi * 67108864.0 + lo) / 9007199254740992.0;
}

static int dwgdLayout = 0;  /* METHOD@dwgd: layer 0 in dwgd's arrangement (below) */
static double dropP = 0; /* +dropout-<p>; 0 = none */
static Rng dropRng;
static double noiseSigma = 0, maxNormC = 0, smoothing = 0; /* +noise-<σ>, +maxnorm-<c>, +smooth-<ε>; 0 = none */
static Rng noiseRng;
static int hasSpare = 0;
static double spare = 0;

/* Standard normal by Box–Muller, pairs cached (Rng.normal). */
static double normal(Rng *r) {
  if (hasSpare) {
    hasSpare = 0;
    return spare;
  }
  double u = 0;
  while (u == 0) u = uniform01(r);
  double v = uniform01(r);
  double radius = sqrt(-2 * log(u));
  spare = radius * sin(2 * 3.141592653589793 * v);
  hasSpare = 1;
  return radius * cos(2 * 3.141592653589793 * v);
}

/* This step's masks, hidden layer by hidden layer, unit by unit: 0 when the draw is below p. */
static void fillMasks(Net *net) {
  const real keep = (real)(1 / (1 - dropP));
  for (int l = 0; l + 1 < net->nLayers; l++) {
    Layer *L = &net->layer[l];
    for (int j = 0; j < L->nOut; j++) L->mask[j] = uniform01(&dropRng) < dropP ? 0 : keep;
  }
}

/* One `+<name>-<value>` option at `opt` (up to the next '+' or the end) of method `id`. */
static void parseOption(const char *id, const char *opt) {
  static const struct { const char *name; double *v; double lo, hi; } options[] = {
    { "+dropout-", &dropP, 0, 1 }, { "+noise-", &noiseSigma, 0, 1e300 }, { "+maxnorm-", &maxNormC, 0, 1e300 }, { "+smooth-", &smoothing, 0, 1 },
  };
  for (size_t k = 0; k < sizeof options / sizeof options[0]; k++) {
    size_t n = strlen(options[k].name);
    if (strncmp(opt, options[k].name, n)) continue;
    char *end;
    double v = strtod(opt + n, &end);
    if (opt[n] == '\0' || (*end != '\0' && *end != '+') || !(v >= options[k].lo && v < options[k].hi + (k == 3)))
      die("method '%s': bad value of %.*s", id, (int)n - 1, options[k].name + 1);
    *options[k].v = v;
    return;
  }
  die("method '%s': unknown option (+dropout-<p>, +noise-<σ>, +maxnorm-<c>, +smooth-<ε>)", id);
}

static Method parseMethod(const char *id, double *lambda) {
  *lambda = 0;
  const size_t len = strlen(id);
  if (len > 5 && !strcmp(id + len - 5, "@dwgd")) {
    static char bare[256];
    if (strchr(id, '+')) die("method '%s': @dwgd takes no + options", id);
    if (snprintf(bare, sizeof bare, "%.*s", (int)(len - 5), id) >= (int)sizeof bare) die("method '%s': too long", id);
    const Method m = parseMethod(bare, lambda);
    dwgdLayout = 1;
    return m;
  }
  const char *plus = strchr(id, '+');
  if (plus) {
    for (const char *o = plus; o; o = strchr(o + 1, '+')) parseOption(id, o);
    char stream[256];
    if (snprintf(stream, sizeof stream, "train.dropout:%s", id) >= (int)sizeof stream) die("method '%s': too long", id);
    dropRng = rngStream(stream);
    snprintf(stream, sizeof stream, "train.inputNoise:%s", id);
    noiseRng = rngStream(stream);
    static char base[256];
    snprintf(base, sizeof base, "%.*s", (int)(plus - id), id);
    id = base;
  }
  if (!strcmp(id, "sgd")) return SGD;
  if (!strcmp(id, "dwm")) return DWM;
  if (!strcmp(id, "dwm-stable")) return DWM_STABLE;
  if (!strcmp(id, "momentum")) return MOMENTUM;
  if (!strcmp(id, "adam")) return ADAM;
  if (!strcmp(id, "sgd-gated-decay")) return GATED;
  const char *rest = NULL;
  Method m = SGD;
  if (!strncmp(id, "l2-", 3)) rest = id + 3, m = L2;
  else if (!strncmp(id, "weight-decay-", 13)) rest = id + 13, m = WEIGHT_DECAY;
  else die("unknown method '%s' (sgd, dwm, dwm-stable, l2-<λ>, weight-decay-<λ>, momentum, adam, sgd-gated-decay; any of them @dwgd)", id);
  char *end;
  *lambda = strtod(rest, &end);
  if (*rest == '\0' || *end != '\0' || !(*lambda >= 0)) die("method '%s': λ must be a non-negative number", id);
  return m;
}

static double parseNumber(const char *text, const char *what, double min) {
  char *end;
  double v = strtod(text, &end);
  if (*text == '\0' || *end != '\0' || !(v >= min)) die("%s must be a number ≥ %g, got '%s'", what, min, text);
  return v;
}

static void loadSample(Net *net, const Pool *p, int row) {
  const float *x = p->x + (size_t)row * p->nIn;
  for (int i = 0; i < p->nIn; i++) net->input[i] = (real)x[i];
}

/* A training input with +noise: x + σ·N(0, 1), rounded to float32 as dwgd stores it. */
static void loadNoisySample(Net *net, const Pool *p, int row) {
  const float *x = p->x + (size_t)row * p->nIn;
  for (int i = 0; i < p->nIn; i++) net->input[i] = (real)(float)((double)x[i] + noiseSigma * normal(&noiseRng));
}

/* ---- METHOD@dwgd: layer 0 held and stepped as dwgd's fast engine does ----
 * The C loop above is the algebra of docs/METHOD.md written the plain way. dwgd's reproduced
 * numbers are defined by another arrangement of the same algebra (src/core/fast/kernels.as), and
 * with the option `@dwgd` (any method, no `+` options) layer 0 is held and stepped that way, so
 * that the bench can time what that arithmetic costs here apart from how dwgd's own code runs it:
 * - rows are input-major: input i owns P lanes, P = n_out rounded up to a 64-byte block (or
 *   DWGD_BLOCK_BYTES, below); dwm and dwm-stable keep [V1 | V2] per row and a scale per unit and
 *   side (W1[j,:] = s1_j·V1[:,j]), the other rules σ·U with one scale per layer (σ = 1 for sgd);
 * - a unit's pull (dwm: s ← (1 − r)s, V ← V + (r/s)·a) or step (c = −η δ_j / σ) only moves its
 *   scale and sets its coefficient in c; the update V[i,:] += c·a_i over the non-zero inputs is left
 *   pending and the next forward pass applies it to each row just before it reads that row
 *   (flushed first when the next input is sparse); 16-byte vectors of c that are all 0 are skipped;
 * - sums go four non-zero inputs at a time, out += ((r0·a0 + r1·a1) + (r2·a2 + r3·a3)), per lane;
 * - dwm's overshoot (1 − r < 1/2) and scales below RENORM_BELOW fold the scale back into V; l2's
 *   ‖U‖² follows each step from the forward sums and is recounted every 4,096 steps; σ < 1/2 is
 *   folded back into U;
 * - momentum, adam and sgd-gated-decay keep U (σ = 1) and move every row at every step over the
 *   lanes of real units: momentum's velocity and adam's moments lie beside U in its layout and are
 *   set to 0 where they turn subnormal (as dwgd does, also for layer 0's biases); the gated
 *   decay's rows (keep·U + (−η δ)·a) are left pending for the next forward pass when layer 0 is
 *   wide (≥ 16 KiB) and the input at least half non-zero, the pending rows being every row.
 * Vectors are GCC's vector extension of 16 bytes (WebAssembly's width); layers ≥ 1 are the loops
 * above (dwgd pads their inputs to 8 lanes; that is not copied). */

typedef real vr __attribute__((vector_size(16), may_alias));
#define VL ((int)(16 / sizeof(real)))
static const double RENORM_BELOW = 0x1p-40; /* src/core/fast/fast-model.ts DEFAULT_RENORM_BELOW */

typedef struct {
  int nIn, nOut, P, S, dual;
  real *V;                /* nIn rows of S lanes */
  real *s1, *s2;          /* dual: the scale of each unit's side 1 and side 2 */
  double sigma, sumsq;    /* σ·U: the scale; l2: ‖U‖² */
  real *c, *sums;         /* S lanes each: this step's coefficients, the forward sums */
  int *vecs, *idle, nVec, nIdle; /* lane offsets of the vectors of c with a non-zero lane, and of the others */
  int *idx, *idxP, nnz, nPend, pendNext;
  real *aC, *aCP;         /* non-zero inputs (idx, aC) and the pending update's (idxP, aCP) */
  long steps;
  long overshoots, folds, recounts; /* how often the rare paths ran (check prints them) */
  Method method;
  int liveV;              /* vectors of a row that hold real units */
  real *m, *v;            /* momentum, adam: the state of U, in its layout */
  real *k;                /* sgd-gated-decay: the keep factors 1 − η|δ_j| (S lanes; c holds −η δ_j) */
} Dw;
static Dw dw;

static inline vr splat(real x) {
  vr v;
  for (int k = 0; k < VL; k++) v[k] = x;
  return v;
}

/* ‖U‖² of the σ·U layout (S = P), summed in storage order as dwgd's recount does. */
static double dwSumSquares(void) {
  double s = 0;
  for (size_t k = 0; k < (size_t)dw.nIn * dw.P; k++) s += (double)dw.V[k] * dw.V[k];
  return s;
}

/* Layer 0 from the row-major W of L (the initial network): V = Wᵀ, scales 1, nothing pending. */
static void dwReset(const Layer *L) {
  memset(dw.V, 0, (size_t)dw.nIn * dw.S * sizeof(real));
  for (int j = 0; j < dw.nOut; j++)
    for (int i = 0; i < dw.nIn; i++) dw.V[(size_t)i * dw.S + j] = L->W[(size_t)j * dw.nIn + i];
  for (int j = 0; j < dw.P; j++) dw.s1[j] = dw.s2[j] = 1;
  dw.sigma = 1;
  dw.sumsq = dw.dual ? 0 : dwSumSquares(); /* l2 reads it */
  dw.nPend = dw.pendNext = 0;
  dw.steps = 0;
  if (dw.m) memset(dw.m, 0, (size_t)dw.nIn * dw.S * sizeof(real));
  if (dw.v) memset(dw.v, 0, (size_t)dw.nIn * dw.S * sizeof(real));
}

/* The bytes P is rounded up to (a 64-byte block, as dwgd's kernels; `-DDWGD_BLOCK_BYTES=32` gives
 * the 32-byte rounding that `npm run bench -- --only padding` times beside it: the same arithmetic
 * on fewer padding lanes, e.g. P = 20 instead of 24 for 20 units). */
#ifndef DWGD_BLOCK_BYTES
#define DWGD_BLOCK_BYTES 64
#endif

static void dwSetup(const Layer *L, Method method) {
  const int block = DWGD_BLOCK_BYTES / (int)sizeof(real);
  dw.nIn = L->nIn;
  dw.nOut = L->nOut;
  dw.P = (L->nOut + block - 1) / block * block;
  dw.dual = method == DWM || method == DWM_STABLE;
  dw.S = dw.dual ? 2 * dw.P : dw.P;
  dw.V = alloc((size_t)dw.nIn * dw.S, sizeof(real));
  dw.s1 = alloc(dw.P, sizeof(real));
  dw.s2 = alloc(dw.P, sizeof(real));
  dw.c = alloc(dw.S, sizeof(real));
  dw.sums = alloc(dw.S, sizeof(real));
  dw.vecs = alloc(dw.S / VL, sizeof(int));
  dw.idle = alloc(dw.S / VL, sizeof(int));
  dw.idx = alloc(dw.nIn, sizeof(int));
  dw.idxP = alloc(dw.nIn, sizeof(int));
  dw.aC = alloc(dw.nIn, sizeof(real));
  dw.aCP = alloc(dw.nIn, sizeof(real));
  dw.method = method;
  dw.liveV = (dw.nOut + VL - 1) / VL;
  if (method == MOMENTUM || method == ADAM) dw.m = alloc((size_t)dw.nIn * dw.S, sizeof(real));
  if (method == ADAM) dw.v = alloc((size_t)dw.nIn * dw.S, sizeof(real));
  if (method == GATED) {
    /* its pending update is every row (idxP = 0, 1, …), over the vectors of real units */
    dw.k = alloc(dw.S, sizeof(real));
    for (int o = 0; o < dw.S / VL; o++) {
      if (o < dw.liveV) dw.vecs[dw.nVec++] = o;
      else dw.idle[dw.nIdle++] = o;
    }
    for (int i = 0; i < dw.nIn; i++) dw.idxP[i] = i;
  }
  dwReset(L);
}

/* The pending update applied to its rows with input index ≤ limit not yet done. */
static void dwApplyPending(int limit) {
  const vr *c = (const vr *)dw.c;
  for (; dw.pendNext < dw.nPend && dw.idxP[dw.pendNext] <= limit; dw.pendNext++) {
    vr *row = (vr *)(dw.V + (size_t)dw.idxP[dw.pendNext] * dw.S);
    const vr a = splat(dw.aCP[dw.pendNext]);
    if (dw.method == GATED) {
      const vr *k = (const vr *)dw.k;
      for (int q = 0; q < dw.nVec; q++) {
        const int o = dw.vecs[q];
        row[o] = k[o] * row[o] + c[o] * a;
      }
      continue;
    }
    for (int q = 0; q < dw.nVec; q++) {
      const int o = dw.vecs[q];
      row[o] = row[o] + c[o] * a;
    }
  }
}

static void dwFlush(void) {
  dwApplyPending(INT_MAX);
  dw.nPend = dw.pendNext = 0;
}

/* Four rows that are also the next four pending rows: each vector with a coefficient is updated
 * and summed from the register, the others only summed. */
static void dwGroupApplying(vr *r0, vr *r1, vr *r2, vr *r3, const real *ak, vr *out) {
  const vr *c = (const vr *)dw.c;
  const vr a0 = splat(ak[0]), a1 = splat(ak[1]), a2 = splat(ak[2]), a3 = splat(ak[3]);
  const real *ap = dw.aCP + dw.pendNext;
  const vr p0 = splat(ap[0]), p1 = splat(ap[1]), p2 = splat(ap[2]), p3 = splat(ap[3]);
  const vr *kk = (const vr *)dw.k;
  for (int q = 0; q < dw.nVec; q++) {
    const int o = dw.vecs[q];
    const vr g = c[o];
    vr v0, v1, v2, v3;
    if (dw.method == GATED) {
      const vr k = kk[o];
      v0 = k * r0[o] + g * p0, v1 = k * r1[o] + g * p1, v2 = k * r2[o] + g * p2, v3 = k * r3[o] + g * p3;
    } else {
      v0 = r0[o] + g * p0, v1 = r1[o] + g * p1, v2 = r2[o] + g * p2, v3 = r3[o] + g * p3;
    }
    r0[o] = v0;
    r1[o] = v1;
    r2[o] = v2;
    r3[o] = v3;
    out[o] = out[o] + ((v0 * a0 + v1 * a1) + (v2 * a2 + v3 * a3));
  }
  for (int q = 0; q < dw.nIdle; q++) {
    const int o = dw.idle[q];
    out[o] = out[o] + ((r0[o] * a0 + r1[o] * a1) + (r2[o] * a2 + r3[o] * a3));
  }
  dw.pendNext += 4;
}

/* z of layer 0 for the input a: the sums Σ_i V[i,:]·a_i over the non-zero inputs, then the scales. */
static void dwForward(Layer *L, const real *a) {
  int n = 0;
  for (int i = 0; i < dw.nIn; i++)
    if (a[i] != 0) dw.idx[n] = i, dw.aC[n++] = a[i];
  dw.nnz = n;
  if (n * 2 < dw.nIn) dwFlush(); /* a sparse input shares few rows with the last one */
  const int S = dw.S, nv = S / VL;
  vr *out = (vr *)dw.sums;
  memset(dw.sums, 0, S * sizeof(real));
  int k = 0;
  for (; k + 4 <= n; k += 4) {
    const int *ik = dw.idx + k;
    vr *r0 = (vr *)(dw.V + (size_t)ik[0] * S), *r1 = (vr *)(dw.V + (size_t)ik[1] * S);
    vr *r2 = (vr *)(dw.V + (size_t)ik[2] * S), *r3 = (vr *)(dw.V + (size_t)ik[3] * S);
    if (dw.pendNext < dw.nPend) {
      if (dw.idxP[dw.pendNext] < ik[0]) dwApplyPending(ik[0] - 1);
      const int *ip = dw.idxP + dw.pendNext;
      if (dw.pendNext + 4 <= dw.nPend && ip[0] == ik[0] && ip[1] == ik[1] && ip[2] == ik[2] && ip[3] == ik[3]) {
        dwGroupApplying(r0, r1, r2, r3, dw.aC + k, out);
        continue;
      }
      dwApplyPending(ik[3]);
    }
    const vr a0 = splat(dw.aC[k]), a1 = splat(dw.aC[k + 1]), a2 = splat(dw.aC[k + 2]), a3 = splat(dw.aC[k + 3]);
    for (int q = 0; q < nv; q++) out[q] = out[q] + ((r0[q] * a0 + r1[q] * a1) + (r2[q] * a2 + r3[q] * a3));
  }
  for (; k < n; k++) {
    if (dw.pendNext < dw.nPend) dwApplyPending(dw.idx[k]);
    const vr *r0 = (const vr *)(dw.V + (size_t)dw.idx[k] * S);
    const vr a0 = splat(dw.aC[k]);
    for (int q = 0; q < nv; q++) out[q] = out[q] + r0[q] * a0;
  }
  dwFlush();
  for (int j = 0; j < dw.nOut; j++)
    L->z[j] = dw.dual ? (L->b[j] + dw.s1[j] * dw.sums[j]) - dw.s2[j] * dw.sums[dw.P + j]
                      : L->b[j] + (real)dw.sigma * dw.sums[j];
}

/* Column j of one side (lane offset `side`) times f; then, if extra ≠ 0, + extra·a on the non-zero inputs. */
static void dwFoldColumn(int side, int j, real f, real extra) {
  for (int i = 0; i < dw.nIn; i++) dw.V[(size_t)i * dw.S + side + j] *= f;
  if (extra != 0)
    for (int k = 0; k < dw.nnz; k++) dw.V[(size_t)dw.idx[k] * dw.S + side + j] += extra * dw.aC[k];
}

/* The update of layer 0 (its bias is the common loop's): scales and coefficients, the rows left pending. */
static void dwUpdate(Layer *L, Method method, real lr, real lambda) {
  memset(dw.c, 0, dw.S * sizeof(real));
  if (dw.dual) {
    for (int j = 0; j < dw.nOut; j++) {
      const real d = L->delta[j];
      if (d == 0) continue;
      const real mag = d < 0 ? -d : d;
      real r = lr * mag;
      if (method == DWM_STABLE) {
        const real q = (real)0.1 * mag / L->A[j];
        r = lr * (q < 1 ? q : 1);
        L->A[j] = (1 - lr) * L->A[j] + lr * mag;
      }
      real *s = d < 0 ? dw.s1 : dw.s2;
      const int side = d < 0 ? 0 : dw.P;
      const real keep = 1 - r;
      if (keep < (real)0.5) { /* overshoot: the pull applied densely */
        dw.overshoots++;
        dwFoldColumn(side, j, s[j] * keep, r);
        s[j] = 1;
      } else {
        s[j] *= keep;
        dw.c[side + j] = r / s[j];
      }
    }
  } else {
    if (method == WEIGHT_DECAY) dw.sigma *= 1 - (double)lr * lambda;
    else if (method == L2) {
      const double norm = dw.sigma * sqrt(dw.sumsq);
      if (norm > 0) dw.sigma *= 1 - ((double)lr * lambda) / norm;
    }
    const real inv = (real)(-lr / dw.sigma);
    for (int j = 0; j < dw.nOut; j++)
      if (L->delta[j] != 0) dw.c[j] = inv * L->delta[j];
    if (method == L2) { /* ‖U + a cᵀ‖² − ‖U‖² = 2 c·(Uᵀa) + ‖a‖²‖c‖², Uᵀa being this step's forward sums */
      double cu = 0, cc = 0, aa = 0;
      for (int j = 0; j < dw.nOut; j++) cu += (double)dw.c[j] * dw.sums[j], cc += (double)dw.c[j] * dw.c[j];
      for (int k = 0; k < dw.nnz; k++) aa += (double)dw.aC[k] * dw.aC[k];
      dw.sumsq += 2 * cu + aa * cc;
    }
  }
  dw.nVec = dw.nIdle = 0;
  for (int o = 0; o < dw.S / VL; o++) {
    const vr v = ((const vr *)dw.c)[o];
    int on = 0;
    for (int k = 0; k < VL; k++) on |= v[k] != 0;
    if (on) dw.vecs[dw.nVec++] = o;
    else dw.idle[dw.nIdle++] = o;
  }
  /* this input's non-zero list becomes the pending one */
  int *t = dw.idx; dw.idx = dw.idxP; dw.idxP = t;
  real *u = dw.aC; dw.aC = dw.aCP; dw.aCP = u;
  dw.nPend = dw.nnz;
  dw.pendNext = 0;
  dw.steps++;
  if (dw.dual) {
    for (int j = 0; j < dw.nOut; j++) {
      if (dw.s1[j] < RENORM_BELOW) { dwFlush(); dwFoldColumn(0, j, dw.s1[j], 0); dw.s1[j] = 1; dw.folds++; }
      if (dw.s2[j] < RENORM_BELOW) { dwFlush(); dwFoldColumn(dw.P, j, dw.s2[j], 0); dw.s2[j] = 1; dw.folds++; }
    }
    return;
  }
  if (method == L2 && (dw.steps & 4095) == 4095) {
    dwFlush();
    dw.sumsq = dwSumSquares();
    dw.recounts++;
  }
  if (dw.sigma < 0.5) {
    dwFlush();
    double s = 0;
    for (size_t k = 0; k < (size_t)dw.nIn * dw.P; k++) {
      dw.V[k] = (real)(dw.V[k] * dw.sigma);
      s += (double)dw.V[k] * dw.V[k];
    }
    dw.sigma = 1;
    dw.folds++;
    if (method == L2) dw.sumsq = s;
  }
}

#ifdef ANCHOR_F32
typedef int vi __attribute__((vector_size(16)));
#define SMALLEST_NORMAL 0x1p-126f
#else
typedef long long vi __attribute__((vector_size(16)));
#define SMALLEST_NORMAL 0x1p-1022
#endif

/* x with the lanes below the smallest normal number in magnitude set to +0 (dwgd's flush). */
static inline vr flushTiny(vr x) {
  const vi sign = (vi)splat(-0.0);
  const vr ax = (vr)((vi)x & ~sign);
  return (vr)((vi)x & ~(vi)(ax < splat(SMALLEST_NORMAL)));
}

/* Square root per lane (WebAssembly: its own f64x2.sqrt; elsewhere the compiler vectorises the loop). */
static inline vr vsqrt(vr x) {
#if defined(__wasm_simd128__) && !defined(ANCHOR_F32)
  return (vr)__builtin_wasm_sqrt_f64x2((__attribute__((vector_size(16))) double)x);
#else
  vr r;
  for (int l = 0; l < VL; l++) r[l] = sqrt(x[l]);
  return r;
#endif
}

static inline real flushTiny1(real x) {
  return (x < 0 ? -x : x) < SMALLEST_NORMAL ? 0 : x;
}

/* Layer 0 of momentum, adam (weights and biases) and sgd-gated-decay (weights) in dwgd's
 * arrangement: c = δ in lanes, every row over the live vectors, in dwgd's order of operations. */
static void dwUpdateOpt(Layer *L, const real *a, real lr, real c1, real c2) {
  memset(dw.c, 0, dw.S * sizeof(real));
  for (int j = 0; j < dw.nOut; j++) dw.c[j] = L->delta[j];
  const vr *d = (const vr *)dw.c;
  const int S = dw.S;
  dw.steps++;
  if (dw.method == GATED) {
    for (int j = 0; j < dw.P; j++) {
      const real dj = dw.c[j];
      dw.k[j] = 1 - lr * (dj < 0 ? -dj : dj);
      dw.c[j] = -lr * dj;
    }
    memcpy(dw.aCP, a, (size_t)dw.nIn * sizeof(real));
    dw.nPend = dw.nIn;
    dw.pendNext = 0;
    /* dwgd leaves them to the next forward pass on wide dense inputs, else moves them now */
    if (!(dw.nnz * 2 >= dw.nIn && (size_t)dw.nIn * S * sizeof(real) >= 16384)) dwFlush();
    return;
  }
  const vr lrv = splat(lr);
  if (dw.method == MOMENTUM) {
    const vr beta = splat(BETA);
    for (int i = 0; i < dw.nIn; i++) {
      vr *w = (vr *)(dw.V + (size_t)i * S), *m = (vr *)(dw.m + (size_t)i * S);
      const vr ai = splat(a[i]);
      for (int q = 0; q < dw.liveV; q++) {
        const vr mv = flushTiny(beta * m[q] + d[q] * ai);
        m[q] = mv;
        w[q] = w[q] - lrv * mv;
      }
    }
    for (int j = 0; j < dw.nOut; j++) {
      L->mb[j] = flushTiny1(BETA * L->mb[j] + L->delta[j]);
      L->b[j] -= lr * L->mb[j];
    }
    return;
  }
  const vr k0 = splat(BETA1), k1 = splat(1 - BETA1), k2 = splat(BETA2), k3 = splat(1 - BETA2);
  const vr kc1 = splat(c1), kc2 = splat(c2), eps = splat(EPS), wd = splat(0);
  for (int i = 0; i < dw.nIn; i++) {
    vr *w = (vr *)(dw.V + (size_t)i * S), *m = (vr *)(dw.m + (size_t)i * S), *v = (vr *)(dw.v + (size_t)i * S);
    const vr ai = splat(a[i]);
    for (int q = 0; q < dw.liveV; q++) {
      const vr g = d[q] * ai;
      const vr mv = flushTiny(k0 * m[q] + k1 * g);
      const vr vv = flushTiny(k2 * v[q] + k3 * (g * g));
      m[q] = mv;
      v[q] = vv;
      const vr mh = mv * kc1, t = vv * kc2;
      const vr den = vsqrt(t) + eps;
      const vr wv = w[q];
      w[q] = wv - lrv * (mh / den + wd * wv);
    }
  }
  for (int j = 0; j < dw.nOut; j++) {
    const real dj = L->delta[j];
    L->mb[j] = flushTiny1(BETA1 * L->mb[j] + (1 - BETA1) * dj);
    L->vb[j] = flushTiny1(BETA2 * L->vb[j] + (1 - BETA2) * (dj * dj));
    L->b[j] -= lr * ((L->mb[j] * c1) / (sqrt(L->vb[j] * c2) + EPS) + 0 * L->b[j]);
  }
}

/* The row-major W (and W1, W2) of layer 0 from V and the scales, after the pending update. */
static void dwMaterialise(Layer *L) {
  dwFlush();
  for (int j = 0; j < dw.nOut; j++)
    for (int i = 0; i < dw.nIn; i++) {
      const size_t r = (size_t)i * dw.S, w = (size_t)j * dw.nIn + i;
      if (dw.dual) {
        L->W1[w] = dw.s1[j] * dw.V[r + j];
        L->W2[w] = dw.s2[j] * dw.V[r + dw.P + j];
        L->W[w] = L->W1[w] - L->W2[w];
      } else L->W[w] = (real)(dw.sigma * dw.V[r + j]);
    }
}

/* z = W a + b, then ReLU for hidden layers. Four rows share each pass over a: four
 * independent sums keep the vector unit busy where one sum would wait on its own latency. */
static void forward(Net *net) {
  const real *a = net->input;
  for (int l = 0; l < net->nLayers; l++) {
    Layer *L = &net->layer[l];
    const int nIn = L->nIn;
    int j = 0;
    if (l == 0 && dwgdLayout) {
      dwForward(L, a);
      j = L->nOut;
    }
    for (; j + 4 <= L->nOut; j += 4) {
      const real *w0 = L->W + (size_t)j * nIn, *w1 = w0 + nIn, *w2 = w1 + nIn, *w3 = w2 + nIn;
      real s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
      for (int i = 0; i < nIn; i++) {
        s0 += w0[i] * a[i];
        s1 += w1[i] * a[i];
        s2 += w2[i] * a[i];
        s3 += w3[i] * a[i];
      }
      L->z[j] = L->b[j] + s0;
      L->z[j + 1] = L->b[j + 1] + s1;
      L->z[j + 2] = L->b[j + 2] + s2;
      L->z[j + 3] = L->b[j + 3] + s3;
    }
    for (; j < L->nOut; j++) {
      const real *w = L->W + (size_t)j * nIn;
      real s = 0;
#pragma omp simd reduction(+ : s)
      for (int i = 0; i < nIn; i++) s += w[i] * a[i];
      L->z[j] = L->b[j] + s;
    }
    if (l + 1 < net->nLayers) {
      for (int k = 0; k < L->nOut; k++) L->act[k] = L->z[k] > 0 ? L->z[k] : 0;
      if (net->dropping)
        for (int k = 0; k < L->nOut; k++) L->act[k] *= L->mask[k];
    }
    a = L->act;
  }
}

/* δ of the output layer (docs/METHOD.md §5), then δ_in = (Wᵀ δ) ⊙ 1[z_in > 0] down the
 * layers, all with the weights before the update. Returns the sample's loss. */
static double backward(Net *net, double target) {
  Layer *out = &net->layer[net->nLayers - 1];
  double loss;
  if (net->mse) {
    double e = (double)out->z[0] - target;
    out->delta[0] = (real)(2 * e);
    loss = e * e;
  } else {
    int n = out->nOut, label = (int)target;
    real max = out->z[0], sum = 0;
    for (int k = 1; k < n; k++) if (out->z[k] > max) max = out->z[k];
    for (int k = 0; k < n; k++) sum += out->delta[k] = exp(out->z[k] - max);
    for (int k = 0; k < n; k++) out->delta[k] /= sum;
    if (smoothing > 0 && net->training) {
      /* target (1 − ε)·one-hot + ε/K; loss −Σ t_k·((z_k − max) − log sum) */
      double logSum = log((double)sum), off = smoothing / n;
      loss = 0;
      for (int k = 0; k < n; k++) {
        double t = k == label ? 1 - smoothing + off : off;
        out->delta[k] -= (real)t;
        loss -= t * ((double)out->z[k] - max - logSum);
      }
    } else {
      double p = out->delta[label];
      out->delta[label] -= 1;
      loss = -log(p > 0 ? p : DBL_TRUE_MIN);
    }
  }
  for (int l = net->nLayers - 1; l > 0; l--) {
    const Layer *L = &net->layer[l];
    Layer *below = &net->layer[l - 1];
    real *din = below->delta;
    for (int i = 0; i < L->nIn; i++) din[i] = 0;
    for (int j = 0; j < L->nOut; j++) {
      const real d = L->delta[j];
      if (d == 0) continue;
      const real *w = L->W + (size_t)j * L->nIn;
      for (int i = 0; i < L->nIn; i++) din[i] += w[i] * d;
    }
    for (int i = 0; i < L->nIn; i++) if (!(below->z[i] > 0)) din[i] = 0;
    if (net->dropping)
      for (int i = 0; i < L->nIn; i++) din[i] *= below->mask[i];
  }
  return loss;
}

/* target row ← (1 − r)·target row + r·a, then W row ← W1 row − W2 row (docs/METHOD.md §2). */
static void pull(real *restrict target, const real *restrict w1, const real *restrict w2, real *restrict w,
                 real r, const real *restrict a, int n) {
  const real keep = 1 - r;
  for (int i = 0; i < n; i++) target[i] = keep * target[i] + r * a[i];
  for (int i = 0; i < n; i++) w[i] = w1[i] - w2[i];
}

/* W ← keep·W − lr·δ aᵀ; returns ‖W‖² after it (the next l2 step's norm, without another pass). */
static double decayAndStep(Layer *L, const real *restrict a, real lr, real keep) {
  double sumSq = 0;
  for (int j = 0; j < L->nOut; j++) {
    real *restrict w = L->W + (size_t)j * L->nIn;
    const real c = -lr * L->delta[j];
    real s = 0;
    if (c == 0) {
#pragma omp simd reduction(+ : s)
      for (int i = 0; i < L->nIn; i++) {
        w[i] = keep * w[i];
        s += w[i] * w[i];
      }
    } else {
#pragma omp simd reduction(+ : s)
      for (int i = 0; i < L->nIn; i++) {
        w[i] = keep * w[i] + c * a[i];
        s += w[i] * w[i];
      }
    }
    sumSq += s;
  }
  return sumSq;
}

/* momentum: v ← βv + g, W ← W − ηv, per weight (g = δ_j a_i) and per bias (g = δ_j). */
static void momentumStep(Layer *L, const real *restrict a, real lr) {
  for (int j = 0; j < L->nOut; j++) {
    real *restrict w = L->W + (size_t)j * L->nIn;
    real *restrict m = L->m + (size_t)j * L->nIn;
    const real d = L->delta[j];
    for (int i = 0; i < L->nIn; i++) {
      m[i] = BETA * m[i] + d * a[i];
      w[i] -= lr * m[i];
    }
    L->mb[j] = BETA * L->mb[j] + d;
    L->b[j] -= lr * L->mb[j];
  }
}

/* adam with bias correction: c1 = 1/(1 − β1^t), c2 = 1/(1 − β2^t). */
static void adamStep(Layer *L, const real *restrict a, real lr, real c1, real c2) {
  for (int j = 0; j < L->nOut; j++) {
    real *restrict w = L->W + (size_t)j * L->nIn;
    real *restrict m = L->m + (size_t)j * L->nIn;
    real *restrict v = L->v + (size_t)j * L->nIn;
    const real d = L->delta[j];
    for (int i = 0; i < L->nIn; i++) {
      const real g = d * a[i];
      m[i] = BETA1 * m[i] + (1 - BETA1) * g;
      v[i] = BETA2 * v[i] + (1 - BETA2) * (g * g);
      w[i] -= lr * ((m[i] * c1) / (sqrt(v[i] * c2) + EPS));
    }
    L->mb[j] = BETA1 * L->mb[j] + (1 - BETA1) * d;
    L->vb[j] = BETA2 * L->vb[j] + (1 - BETA2) * (d * d);
    L->b[j] -= lr * ((L->mb[j] * c1) / (sqrt(L->vb[j] * c2) + EPS));
  }
}

static void update(Net *net, Method method, real lr, real lambda) {
  const real *a = net->input;
  if (method == MOMENTUM || method == ADAM) {
    net->b1t *= BETA1;
    net->b2t *= BETA2;
    const real c1 = 1 / (1 - net->b1t), c2 = 1 / (1 - net->b2t);
    for (int l = 0; l < net->nLayers; l++) {
      if (l == 0 && dwgdLayout) dwUpdateOpt(&net->layer[0], a, lr, c1, c2);
      else if (method == MOMENTUM) momentumStep(&net->layer[l], a, lr);
      else adamStep(&net->layer[l], a, lr, c1, c2);
      a = net->layer[l].act;
    }
    return;
  }
  for (int l = 0; l < net->nLayers; l++) {
    Layer *L = &net->layer[l];
    const int nIn = L->nIn;
    if (l == 0 && dwgdLayout) { /* METHOD@dwgd: layer 0 in dwgd's arrangement */
      if (method == GATED) dwUpdateOpt(L, a, lr, 1, 1);
      else dwUpdate(L, method, lr, lambda);
    }
    else switch (method) {
    case SGD:
      for (int j = 0; j < L->nOut; j++) {
        const real c = -lr * L->delta[j];
        if (c == 0) continue;
        real *restrict w = L->W + (size_t)j * nIn;
        for (int i = 0; i < nIn; i++) w[i] += c * a[i];
      }
      break;
    case L2: { /* gradient λ W/‖W‖ at the weights before the step (docs/METHOD.md §4) */
      double norm = sqrt(L->sumSq);
      L->sumSq = decayAndStep(L, a, lr, norm > 0 ? (real)(1 - lr * lambda / norm) : 1);
      break;
    }
    case WEIGHT_DECAY:
      decayAndStep(L, a, lr, 1 - lr * lambda);
      break;
    case DWM:
    case DWM_STABLE:
      for (int j = 0; j < L->nOut; j++) {
        const real d = L->delta[j];
        if (d == 0) continue;
        const real mag = d < 0 ? -d : d;
        real r = lr * mag;
        if (method == DWM_STABLE) {
          real q = (real)0.1 * mag / L->A[j];
          r = lr * (q < 1 ? q : 1);
          L->A[j] = (1 - lr) * L->A[j] + lr * mag;
        }
        size_t row = (size_t)j * nIn;
        pull((d < 0 ? L->W1 : L->W2) + row, L->W1 + row, L->W2 + row, L->W + row, r, a, nIn);
      }
      break;
    case GATED: /* W ← (1 − η|δ_j|)·W − (η δ_j)·a per row (docs/METHOD.md §4.1) */
      for (int j = 0; j < L->nOut; j++) {
        const real d = L->delta[j];
        const real keep = 1 - lr * (d < 0 ? -d : d), c = lr * d;
        real *restrict w = L->W + (size_t)j * nIn;
        for (int i = 0; i < nIn; i++) w[i] = keep * w[i] - c * a[i];
      }
      break;
    default: /* momentum and adam return above */
      break;
    }
    for (int j = 0; j < L->nOut; j++) L->b[j] -= lr * L->delta[j];
    a = L->act;
  }
}

/* +maxnorm: every row of every layer whose norm exceeds c scaled by c/‖row‖ (both sides of a dual rule). */
static void maxNorm(Net *net) {
  for (int l = 0; l < net->nLayers; l++) {
    Layer *L = &net->layer[l];
    for (int j = 0; j < L->nOut; j++) {
      real *w = L->W + (size_t)j * L->nIn;
      double s = 0;
      for (int i = 0; i < L->nIn; i++) s += (double)w[i] * w[i];
      double norm = sqrt(s);
      if (!(norm > maxNormC)) continue;
      const real f = (real)(maxNormC / norm);
      if (L->W1) {
        real *w1 = L->W1 + (size_t)j * L->nIn, *w2 = L->W2 + (size_t)j * L->nIn;
        for (int i = 0; i < L->nIn; i++) {
          w1[i] *= f;
          w2[i] *= f;
          w[i] = w1[i] - w2[i];
        }
      } else {
        for (int i = 0; i < L->nIn; i++) w[i] *= f;
      }
    }
  }
}

static double trainStep(Net *net, const Pool *p, int row, Method method, real lr, real lambda) {
  if (noiseSigma > 0) loadNoisySample(net, p, row);
  else loadSample(net, p, row);
  if (dropP > 0) {
    fillMasks(net);
    net->dropping = 1;
  }
  net->training = 1;
  forward(net);
  double loss = backward(net, p->y[row]);
  net->dropping = 0;
  net->training = 0;
  update(net, method, lr, lambda);
  if (maxNormC > 0) maxNorm(net);
  return loss;
}

/* 1 per correct class, or the squared error, summed over the first `count` test rows. */
static double score(Net *net, const Pool *p, int count) {
  Layer *out = &net->layer[net->nLayers - 1];
  double total = 0;
  for (int k = 0; k < count; k++) {
    int row = p->test[k];
    loadSample(net, p, row);
    forward(net);
    if (net->mse) {
      double e = (double)out->z[0] - p->y[row];
      total += e * e;
    } else {
      int best = 0;
      for (int c = 1; c < out->nOut; c++) if (out->z[c] > out->z[best]) best = c;
      total += best == (int)p->y[row];
    }
  }
  return total;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static double weightSum(const Net *net) {
  double s = 0;
  for (int l = 0; l < net->nLayers; l++) {
    const Layer *L = &net->layer[l];
    for (size_t i = 0; i < (size_t)L->nIn * L->nOut; i++) s += L->W[i];
    for (int j = 0; j < L->nOut; j++) s += L->b[j];
  }
  return s;
}

/* Reads the next timing request (a number of seconds, one per line) from stdin; 0 at the end. */
static double nextRequest(void) {
  char line[64];
  if (!fgets(line, sizeof line, stdin)) return 0;
  line[strcspn(line, "\r\n")] = '\0';
  return parseNumber(line, "a timing request (seconds)", 0.001);
}

/* Where a model starts over (train and check with LIFE): its initial network and random streams,
 * and the step before which it next does (LONG_MAX: never), so a step pays one comparison. */
typedef struct {
  Net initial;
  Rng drop, noise;
  long life, next;
} Restart;

static Restart restartPoint(const char *netPath, Method method, int nIn, long life) {
  Restart r = { .drop = dropRng, .noise = noiseRng, .life = life, .next = life > 0 ? life : LONG_MAX };
  if (life > 0) r.initial = readNet(netPath, method, nIn);
  return r;
}

/* Before step r->next: the network and the streams start over, and the next restart is set. */
static void startOver(Net *net, Restart *r) {
  restoreNet(net, &r->initial);
  if (dwgdLayout) dwReset(&net->layer[0]);
  dropRng = r->drop;
  noiseRng = r->noise;
  hasSpare = 0;
  spare = 0;
  r->next += r->life;
}

static void cmdTrain(const Pool *p, Net *net, Method method, real lr, real lambda, Restart *r) {
  long s = 0;
  double lossSum = 0;
  for (int k = 0; k < 2000; k++, s++) {
    if (s == r->next) startOver(net, r);
    lossSum += trainStep(net, p, p->order[s % p->nOrder], method, lr, lambda);
  }
  printf("{\"precision\":\"%s\",\"ready\":true}\n", PRECISION);
  fflush(stdout);
  for (double seconds; (seconds = nextRequest()) > 0;) {
    long n = 64, done = 0;
    double t0 = now(), elapsed, paused = 0; /* restarts are not timed */
    for (;;) {
      for (long k = 0; k < n; k++, s++) {
        if (s == r->next) {
          double r0 = now();
          startOver(net, r);
          paused += now() - r0;
        }
        lossSum += trainStep(net, p, p->order[s % p->nOrder], method, lr, lambda);
      }
      done += n;
      elapsed = now() - t0 - paused;
      if (elapsed >= seconds) break;
      if (elapsed < seconds / 8) n *= 2;
    }
    printf("{\"stepsPerSec\":%.1f}\n", done / elapsed);
    fflush(stdout);
  }
  if (dwgdLayout) dwMaterialise(&net->layer[0]);
  double w = weightSum(net);
  printf("{\"steps\":%ld,\"finite\":%s,\"lossSum\":%.17g,\"weightSum\":%.17g}\n", s,
         isfinite(lossSum) && isfinite(w) ? "true" : "false", isfinite(lossSum) ? lossSum : 0, isfinite(w) ? w : 0);
}

static void cmdEval(const Pool *p, Net *net, real lr) {
  for (int k = 0; k < 1000; k++) trainStep(net, p, p->train[k % p->nTrain], SGD, lr, 0);
  double sink = score(net, p, p->nTest);
  printf("{\"precision\":\"%s\",\"ready\":true,\"score\":%.17g,\"testSize\":%d}\n", PRECISION,
         isfinite(sink) ? sink : -1, p->nTest);
  fflush(stdout);
  for (double seconds; (seconds = nextRequest()) > 0;) {
    double t0 = now(), elapsed;
    long samples = 0;
    do {
      sink += score(net, p, p->nTest);
      samples += p->nTest;
      elapsed = now() - t0;
    } while (elapsed < seconds);
    printf("{\"samplesPerSec\":%.1f}\n", samples / elapsed);
    fflush(stdout);
  }
  printf("{\"finite\":%s}\n", isfinite(sink) ? "true" : "false");
}

static void writeReals(FILE *f, const real *v, size_t n, const char *path) {
  for (size_t i = 0; i < n; i++) {
    double d = v[i];
    if (fwrite(&d, sizeof d, 1, f) != 1) die("%s: %s", path, strerror(errno));
  }
}

static void cmdCheck(const Pool *p, Net *net, Method method, real lr, real lambda, long steps, const char *outPath, Restart *r) {
  double lossSum = 0;
  for (long s = 0; s < steps; s++) {
    if (s == r->next) startOver(net, r);
    lossSum += trainStep(net, p, p->order[s % p->nOrder], method, lr, lambda);
  }
  if (dwgdLayout) dwMaterialise(&net->layer[0]);
  FILE *f = fopen(outPath, "wb");
  if (!f) die("%s: %s", outPath, strerror(errno));
  for (int l = 0; l < net->nLayers; l++) {
    const Layer *L = &net->layer[l];
    size_t n = (size_t)L->nIn * L->nOut;
    writeReals(f, L->W, n, outPath);
    writeReals(f, L->b, L->nOut, outPath);
    if (L->W1) {
      writeReals(f, L->W1, n, outPath);
      writeReals(f, L->W2, n, outPath);
    }
  }
  if (fclose(f) != 0) die("%s: %s", outPath, strerror(errno));
  double sc = score(net, p, p->nTest);
  if (!isfinite(lossSum) || !isfinite(sc)) die("check: the loss sum or the test score is not finite");
  if (dwgdLayout)
    printf("{\"precision\":\"%s\",\"lossSum\":%.17g,\"score\":%.17g,\"overshoots\":%ld,\"folds\":%ld,\"recounts\":%ld}\n", PRECISION,
           lossSum, sc, dw.overshoots, dw.folds, dw.recounts);
  else printf("{\"precision\":\"%s\",\"lossSum\":%.17g,\"score\":%.17g}\n", PRECISION, lossSum, sc);
}

int main(int argc, char **argv) {
  const char *usage = "usage: anchor train POOL NET METHOD LR [LIFE] | eval POOL NET LR | check POOL NET METHOD LR STEPS OUT [LIFE]";
  if (argc < 2) die("%s", usage);
  const char *cmd = argv[1];
  int isTrain = !strcmp(cmd, "train"), isEval = !strcmp(cmd, "eval"), isCheck = !strcmp(cmd, "check");
  const int args = isEval ? 5 : isTrain ? 6 : 8; /* without the optional LIFE */
  if (!(isTrain || isEval || isCheck) || (argc != args && (isEval || argc != args + 1))) die("%s", usage);
  double lambda = 0;
  Method method = isEval ? SGD : parseMethod(argv[4], &lambda);
  real lr = (real)parseNumber(argv[isEval ? 4 : 5], "LR", 0);
  const long life = argc == args + 1 ? (long)parseNumber(argv[args], "LIFE", 0) : 0;
  Pool pool = readPool(argv[2]);
  Net net = readNet(argv[3], method, pool.nIn);
  if (dwgdLayout) dwSetup(&net.layer[0], method);
  Restart restart = restartPoint(argv[3], method, pool.nIn, life);
  if (isCheck) cmdCheck(&pool, &net, method, lr, (real)lambda, (long)parseNumber(argv[6], "STEPS", 0), argv[7], &restart);
  else if (isTrain) cmdTrain(&pool, &net, method, lr, (real)lambda, &restart);
  else cmdEval(&pool, &net, lr);
  return 0;
}
