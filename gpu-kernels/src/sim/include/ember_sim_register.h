// Registration of a family's kernels, included by the build's generated <family>.register.cpp after
// the family's .cu: one KernelEntry per `extern "C" __global__` entry point, with its parameter sizes
// and an invoker that unpacks cuLaunchKernel's parameter array into a call.
#pragma once
#include <cstdint>
#include <type_traits>
#include <utility>

#include "ember_sim_runtime.h"

namespace ember::sim {

template <typename F, F f>
struct Invoker;

template <typename... A, void (*f)(A...)>
struct Invoker<void (*)(A...), f> {
  static constexpr int count = sizeof...(A);
  static constexpr uint32_t sizes[sizeof...(A) + 1] = {static_cast<uint32_t>(sizeof(A))..., 0};

  template <size_t... I>
  static void call(void* const* params, std::index_sequence<I...>) {
    (void)params;
    f(*static_cast<std::remove_cv_t<std::remove_reference_t<A>>*>(params[I])...);
  }
  static void invoke(void* const* params) { call(params, std::index_sequence_for<A...>{}); }
};

}  // namespace ember::sim

#define EMBER_SIM_KERNEL(name)                                                                 \
  ember::sim::KernelEntry {                                                                    \
    #name, ember::sim::Invoker<decltype(&name), &name>::count,                                 \
        ember::sim::Invoker<decltype(&name), &name>::sizes, &ember::sim::Invoker<decltype(&name), &name>::invoke \
  }
