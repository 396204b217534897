// Fibers: stacks from a process-wide pool and the hand-written context switch (switch.S).
#pragma once
#include <cstddef>

namespace ember::sim {

// One fiber stack: [base, base + size), with a PROT_NONE guard page just below base.
struct Stack {
  char* base;
  size_t size;
  size_t color;  // bytes left unused at the top, different for each stack (see acquire_stack)
};

// Stacks are reused across launches and threads: every launch starting fresh mappings would exhaust
// vm.max_map_count (each stack is two mappings with its guard page).
Stack acquire_stack();
void release_stack(Stack stack);

// Prepares a stack so that the first switch to it calls entry(arg) on it; returns its saved stack
// pointer. entry must never return.
void* prepare_fiber(Stack stack, void (*entry)(void*), void* arg);

}  // namespace ember::sim

extern "C" void ember_sim_switch(void** from_sp, void* to_sp);
