// The update kernels compiled into the fast engine's WebAssembly module, by the code its
// `init` export takes. These codes are the module's interface: kernels.as declares the same
// constants (SGD, L2, WD, DWM, DWM_STABLE, MOMENTUM, ADAM, GATED) and a test checks that the two agree. A rule
// names its kernel in its `kernel` field (src/core/rules/); nothing else maps rules to codes.

export const KERNEL_METHOD = { sgd: 0, l2: 1, weightDecay: 2, dwm: 3, dwmStable: 4, momentum: 5, adam: 6, sgdGatedDecay: 7 } as const;
export type KernelMethod = (typeof KERNEL_METHOD)[keyof typeof KERNEL_METHOD];

/** The kernels that keep W1 and W2 (dual weights) rather than one W. */
export function isDualKernel(method: KernelMethod): boolean {
  return method === KERNEL_METHOD.dwm || method === KERNEL_METHOD.dwmStable;
}
