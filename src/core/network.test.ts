// Back-propagation checked against central finite differences in float64.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Network } from './network.js';
import { Rng } from './rng.js';

function randomNet(sizes: number[], loss: 'mse' | 'softmax-ce', seed: number): Network {
  const net = new Network(sizes, loss);
  const rng = new Rng(seed, 'test');
  for (const layer of net.layers) {
    for (let i = 0; i < layer.W.length; i++) layer.W[i] = rng.normal() * 0.8;
    for (let j = 0; j < layer.b.length; j++) layer.b[j] = rng.normal() * 0.3;
  }
  for (let i = 0; i < sizes[0]; i++) net.acts[0][i] = rng.normal();
  net.acts[0][1] = 0; // a zero input, as on MNIST's black pixels
  return net;
}

/** Every dL/dW[j,i] = δ_j·a_i and dL/db_j = δ_j against (L(w+h) − L(w−h)) / 2h. */
function checkGradients(net: Network, target: number): number {
  const input = net.acts[0].slice();
  net.forward();
  net.backward(target);
  const deltas = net.deltas.map((d) => d.slice());
  const acts = net.acts.map((a) => a.slice());
  // No hidden pre-activation may sit at the ReLU kink, or the finite difference is meaningless.
  for (let l = 0; l + 1 < net.layers.length; l++) for (const z of net.zs[l]) assert.ok(Math.abs(z) > 1e-3);
  const scratch = new Float64Array(net.nOutputs);
  const h = 1e-6;
  let checked = 0;
  const lossAt = () => {
    net.acts[0].set(input);
    return net.lossOf(target, scratch);
  };
  for (let l = 0; l < net.layers.length; l++) {
    const { W, b, nIn, nOut } = net.layers[l];
    for (let j = 0; j < nOut; j++) {
      for (let i = 0; i < nIn; i++) {
        const p = j * nIn + i;
        const w = W[p];
        W[p] = w + h; const up = lossAt();
        W[p] = w - h; const down = lossAt();
        W[p] = w;
        const fd = (up - down) / (2 * h);
        const analytic = deltas[l][j] * acts[l][i];
        assert.ok(Math.abs(fd - analytic) <= 1e-6 + 1e-5 * Math.abs(fd), `layer ${l} W[${j},${i}]: fd ${fd} vs ${analytic}`);
        checked++;
      }
      const bias = b[j];
      b[j] = bias + h; const up = lossAt();
      b[j] = bias - h; const down = lossAt();
      b[j] = bias;
      const fd = (up - down) / (2 * h);
      assert.ok(Math.abs(fd - deltas[l][j]) <= 1e-6 + 1e-5 * Math.abs(fd), `layer ${l} δ[${j}]: fd ${fd} vs ${deltas[l][j]}`);
      checked++;
    }
  }
  return checked;
}

test('softmax cross-entropy: δ and weight gradients match finite differences', () => {
  const net = randomNet([6, 5, 4, 3], 'softmax-ce', 1);
  assert.equal(checkGradients(net, 2), 6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3);
});

test('mse: δ and weight gradients match finite differences', () => {
  const net = randomNet([5, 7, 1], 'mse', 2);
  assert.equal(checkGradients(net, 0.37), 5 * 7 + 7 + 7 + 1);
});

test('softmax cross-entropy loss equals −log of the softmax probability, computed directly', () => {
  const net = new Network([2, 3], 'softmax-ce');
  net.layers[0].W.set([1, 0, 0, 1, 1, 1]);
  net.acts[0].set([0.5, -1]);
  net.forward();
  // z = [0.5, -1, -0.5]
  const e = [Math.exp(0.5), Math.exp(-1), Math.exp(-0.5)];
  const sum = e[0] + e[1] + e[2];
  const loss = net.backward(0);
  assert.ok(Math.abs(loss + Math.log(e[0] / sum)) < 1e-12);
  assert.ok(Math.abs(net.deltas[0][0] - (e[0] / sum - 1)) < 1e-12);
  assert.ok(Math.abs(net.deltas[0][2] - e[2] / sum) < 1e-12);
});

test('He-normal init: entries have variance 2 / n_in and biases are 0', () => {
  const net = new Network([400, 300, 10], 'softmax-ce');
  net.initHeNormal(new Rng(7, 'init'));
  const W = net.layers[0].W;
  let s = 0, ss = 0;
  for (const w of W) { s += w; ss += w * w; }
  const mean = s / W.length;
  const variance = ss / W.length - mean * mean;
  // 120,000 draws: the variance estimate's relative standard error is about sqrt(2/120000) ≈ 0.4 %.
  assert.ok(Math.abs(variance / (2 / 400) - 1) < 0.02, `variance ${variance}`);
  assert.ok(Math.abs(mean) < 4 * Math.sqrt(2 / 400 / W.length));
  assert.ok(net.layers.every((l) => l.b.every((b) => b === 0)));
});
