// Student's t of t-dist.ts against values computed independently: the closed forms for ν = 1
// (Cauchy) and ν = 2, and 40-digit values from mpmath (scipy 1.17 agrees to its printed
// digits). The p-values and intervals of stats.ts come from these two functions.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lnGammaHalfRatio, studentTCdf, studentTQuantile } from './t-dist.js';

function relErr(actual: number, expected: number): number {
  return actual === expected ? 0 : Math.abs(actual - expected) / Math.abs(expected);
}

/** [ν, t, P(T ≥ t)]: mpmath 1.3, 40 digits, ½ · betainc(ν/2, ½, 0, ν/(ν + t²), regularized); 0 below the double range. */
const TAILS: [number, number, number][] = [
  [1, 1e-10, 0.499999999968169],
  [1, 0.1, 0.4682744825694464],
  [1, 1, 0.25],
  [1, 2, 0.14758361765043326],
  [1, 3, 0.10241638234956674],
  [1, 5, 0.06283295818900118],
  [1, 10, 0.03172551743055357],
  [1, 100, 0.003182992764908255],
  [1, 10000, 3.183098851227577e-05],
  [2, 1e-10, 0.49999999996464467],
  [2, 0.1, 0.4647327192070701],
  [2, 1, 0.2113248654051871],
  [2, 2, 0.09175170953613698],
  [2, 3, 0.04773298313335456],
  [2, 5, 0.018874775675311862],
  [2, 10, 0.004926228511662845],
  [2, 100, 4.999250124978129e-05],
  [2, 10000, 4.999999925000001e-09],
  [3, 1e-10, 0.49999999996324473],
  [3, 0.1, 0.4633261744004029],
  [3, 1, 0.19550110947788532],
  [3, 2, 0.0696629842794216],
  [3, 3, 0.028834442811218653],
  [3, 5, 0.007696219036651151],
  [3, 10, 0.001064199529207075],
  [3, 100, 1.1022609615924557e-06],
  [3, 10000, 1.102657751147905e-12],
  [4, 1e-10, 0.4999999999625],
  [4, 0.1, 0.4625779204697266],
  [4, 1, 0.18695048315002943],
  [4, 2, 0.058058261758407795],
  [4, 3, 0.019970984035859413],
  [4, 5, 0.003745216940637262],
  [4, 10, 0.00028100181135799556],
  [4, 100, 2.998001049496231e-08],
  [4, 10000, 2.9999998000000103e-16],
  [5, 1e-10, 0.4999999999620393],
  [5, 0.1, 0.4621150705773302],
  [5, 1, 0.1816087338245613],
  [5, 2, 0.05096973941492918],
  [5, 3, 0.015049623948731288],
  [5, 5, 0.0020523579900266612],
  [5, 10, 8.54737878714818e-05],
  [5, 100, 9.480007112311813e-10],
  [5, 10000, 9.490166228758806e-20],
  [7, 1e-10, 0.49999999996150085],
  [7, 0.1, 0.4615740298023962],
  [7, 1, 0.17530833141010377],
  [7, 2, 0.04280966428148804],
  [7, 3, 0.00997106306599627],
  [7, 5, 0.0007826389765864123],
  [7, 10, 1.0697101445386406e-05],
  [7, 100, 1.3176489885215525e-12],
  [7, 10000, 1.3205203887746596e-26],
  [9, 1e-10, 0.4999999999611965],
  [9, 0.1, 0.4612682239783406],
  [9, 1, 0.17171819806895677],
  [9, 2, 0.03827641188535052],
  [9, 3, 0.007478181955207107],
  [9, 5, 0.00036948395490162136],
  [9, 10, 1.7891187159623679e-06],
  [9, 100, 2.536544883104281e-15],
  [9, 10000, 2.545896099754232e-33],
  [19, 1e-10, 0.499999999960627],
  [19, 0.1, 0.46069597488262726],
  [19, 1, 0.16493840046056252],
  [19, 2, 0.03000101819304918],
  [19, 3, 0.003680862091934321],
  [19, 5, 3.974987499208817e-05],
  [19, 10, 2.6315130811679503e-09],
  [19, 100, 1.2488837881809017e-27],
  [19, 10000, 1.2705154665439374e-65],
  [29, 1e-10, 0.49999999996044814],
  [29, 0.1, 0.4605162222436869],
  [29, 1, 0.16279099400809677],
  [29, 2, 0.027471818591483593],
  [29, 3, 0.0027495960669517033],
  [29, 5, 1.2683157867711617e-05],
  [29, 10, 3.299931288216756e-11],
  [29, 100, 1.130033718189535e-38],
  [29, 10000, 1.1768933044062192e-96],
  [99, 1e-10, 0.4999999999602064],
  [99, 0.1, 0.46027327536879115],
  [99, 1, 0.1598742370696507],
  [99, 2, 0.024119846686316462],
  [99, 3, 0.0017077539607894337],
  [99, 5, 1.2406980065204738e-06],
  [99, 10, 5.469878503996055e-17],
  [99, 100, 1.5005660604563803e-101],
  [99, 10000, 2.4317383539734745e-299],
  [999, 1e-10, 0.49999999996011574],
  [999, 0.1, 0.46018219454235565],
  [999, 1, 0.15877633008820619],
  [999, 2, 0.0228853084868785],
  [999, 3, 0.001383388230073897],
  [999, 5, 3.3841809479005484e-07],
  [999, 10, 8.354109413435646e-23],
  [999, 100, 0],
  [999, 10000, 0],
  [9999, 1e-10, 0.49999999996010674],
  [9999, 0.1, 0.4601731651157755],
  [9999, 1, 0.1586673533751287],
  [9999, 2, 0.022763631680755052],
  [9999, 3, 0.0013532244278561748],
  [9999, 5, 2.9151682051141595e-07],
  [9999, 10, 9.816650753246963e-24],
  [9999, 100, 0],
  [9999, 10000, 0],
];

/** [ν, p, t with P(T ≤ t) = p]: bisection on the same 40-digit tail, p the exact double. */
const QUANTILES: [number, number, number][] = [
  [1, 1e-10, -3183098861.837907],
  [1, 0.001, -318.30883898555044],
  [1, 0.025, -12.706204736174705],
  [1, 0.3, -0.7265425280053609],
  [1, 0.975, 12.706204736174692],
  [1, 0.999, 318.30883898555015],
  [3, 1e-10, -2225.7692846830932],
  [3, 0.001, -10.214531852407386],
  [3, 0.025, -3.1824463052837095],
  [3, 0.3, -0.5843897274398188],
  [3, 0.975, 3.182446305283708],
  [3, 0.999, 10.214531852407383],
  [4, 1e-10, -416.1751403296041],
  [4, 0.001, -7.1731822197823085],
  [4, 0.025, -2.7764451051977943],
  [4, 0.3, -0.5686490630497055],
  [4, 0.975, 2.7764451051977934],
  [4, 0.999, 7.173182219782307],
  [9, 1e-10, -30.737330949971977],
  [9, 0.001, -4.296805662729919],
  [9, 0.025, -2.2621571627982053],
  [9, 0.3, -0.5434802414542971],
  [9, 0.975, 2.262157162798205],
  [9, 0.999, 4.296805662729918],
  [29, 1e-10, -9.51796550493783],
  [29, 0.001, -3.396240288356803],
  [29, 0.025, -2.0452296421327043],
  [29, 0.3, -0.5302143957091608],
  [29, 0.975, 2.045229642132704],
  [29, 0.999, 3.3962402883568026],
  [99, 1e-10, -7.091350608351461],
  [99, 0.001, -3.1746038497557523],
  [99, 0.025, -1.9842169515864174],
  [99, 0.3, -0.5260932405485901],
  [99, 0.975, 1.9842169515864172],
  [99, 0.999, 3.174603849755752],
  [9999, 1e-10, -6.367942012180259],
  [9999, 0.001, -3.091047597579455],
  [9999, 0.025, -1.9602012636213577],
  [9999, 0.3, -0.5244172300172402],
  [9999, 0.975, 1.9602012636213573],
  [9999, 0.999, 3.091047597579455],
];

test('the CDF matches the closed forms for ν = 1 and 2, both tails, to 1e-14 relative', () => {
  for (const t of [1e-12, 1e-6, 0.01, 0.3, 1, 2.5, 7, 30, 1000, 1e6]) {
    for (const x of [t, -t]) {
      const cauchy = x < 0 ? Math.atan2(1, -x) / Math.PI : 0.5 + Math.atan(x) / Math.PI; // P(T ≤ −u) = atan(1/u)/π
      assert.ok(relErr(studentTCdf(x, 1), cauchy) < 1e-14, `ν 1 t ${x}: ${studentTCdf(x, 1)} vs ${cauchy}`);
      const two = x < 0 ? 0.5 * (1 - -x / Math.sqrt(x * x + 2)) : 0.5 + x / (2 * Math.sqrt(x * x + 2));
      // The ν = 2 lower tail as ½(1 − u/√(u² + 2)) cancels for large u; 1/(√(u²+2) (√(u²+2) + u)) does not.
      const twoTail = x < 0 ? 1 / (Math.sqrt(x * x + 2) * (Math.sqrt(x * x + 2) - x)) : two;
      assert.ok(relErr(studentTCdf(x, 2), twoTail) < 1e-14, `ν 2 t ${x}: ${studentTCdf(x, 2)} vs ${twoTail}`);
    }
  }
  assert.equal(studentTCdf(0, 7), 0.5);
  assert.equal(studentTCdf(-Infinity, 3), 0);
  assert.equal(studentTCdf(Infinity, 3), 1);
  assert.ok(Number.isNaN(studentTCdf(NaN, 3)) && Number.isNaN(studentTCdf(1, 0)) && Number.isNaN(studentTCdf(1, -2)));
});

test('the upper tail matches 40-digit references to 5e-13 relative, down to 1e-299', () => {
  let worst = 0;
  for (const [df, t, tail] of TAILS) {
    const got = studentTCdf(-t, df);
    if (tail === 0) {
      assert.ok(got < 1e-300, `ν ${df} t ${t}: ${got}, below the double range`);
      continue;
    }
    const e = relErr(got, tail);
    worst = Math.max(worst, e);
    assert.ok(e < 5e-13, `ν ${df} t ${t}: ${got} vs ${tail} (${e.toExponential(1)})`);
    // The upper half by symmetry: 1 − tail, to absolute precision.
    assert.ok(Math.abs(studentTCdf(t, df) - (1 - tail)) < 1e-14, `ν ${df} t ${t}: the upper half`);
  }
  assert.ok(worst > 0, 'the table was checked');
});

test('the quantile matches the closed forms for ν = 1 and 2 and 40-digit references, to 1e-13 relative', () => {
  for (const p of [1e-12, 1e-6, 0.001, 0.025, 0.3, 0.6, 0.975, 0.999999]) {
    const cauchy = p < 0.5 ? -1 / Math.tan(Math.PI * p) : 1 / Math.tan(Math.PI * (1 - p)); // 1 − p is exact here
    assert.ok(relErr(studentTQuantile(p, 1), cauchy) < 1e-13, `ν 1 p ${p}: ${studentTQuantile(p, 1)} vs ${cauchy}`);
    const two = (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
    assert.ok(relErr(studentTQuantile(p, 2), two) < 1e-12, `ν 2 p ${p}: ${studentTQuantile(p, 2)} vs ${two}`);
  }
  for (const [df, p, t] of QUANTILES) {
    const got = studentTQuantile(p, df);
    assert.ok(relErr(got, t) < 1e-13, `ν ${df} p ${p}: ${got} vs ${t}`);
  }
  assert.equal(studentTQuantile(0.5, 4), 0);
  assert.equal(studentTQuantile(0, 4), -Infinity);
  assert.equal(studentTQuantile(1, 4), Infinity);
  assert.ok(Number.isNaN(studentTQuantile(1.5, 4)) && Number.isNaN(studentTQuantile(0.5, 0)));
});

test('for large ν the quantile approaches the normal one', () => {
  // Φ⁻¹(0.975) = 1.959963984540054; t(0.975, ν) = z + (z³ + z)/(4ν) + O(ν⁻²).
  const z = 1.959963984540054;
  for (const df of [1e4, 1e5]) {
    const approx = z + (z ** 3 + z) / (4 * df);
    assert.ok(Math.abs(studentTQuantile(0.975, df) - approx) < 10 / df ** 2, `ν ${df}`);
  }
});

test('ln Γ(a + ½) − ln Γ(a) for small and large a', () => {
  // Γ(1) = 1, Γ(½) = √π; Γ(3/2) = √π/2; and a + ½ ↔ a shifts by a factor a (checked at 10 and 5000).
  assert.ok(Math.abs(lnGammaHalfRatio(0.5) - -0.5 * Math.log(Math.PI)) < 1e-15);
  assert.ok(Math.abs(lnGammaHalfRatio(1) - Math.log(Math.sqrt(Math.PI) / 2)) < 1e-15);
  for (const a of [10, 5000]) {
    // ratio(a + 1) + ratio(a + ½) = ln Γ(a + 3/2) − ln Γ(a + ½) + ln Γ(a + 1) − ln Γ(a) … as sums: R(a+1) − R(a) = ln((a + ½)/a).
    assert.ok(Math.abs(lnGammaHalfRatio(a + 1) - lnGammaHalfRatio(a) - Math.log((a + 0.5) / a)) < 1e-14, `a ${a}`);
  }
});
