// Fiber context switch for x86-64 System V: saves the callee-saved registers, MXCSR and the x87
// control word on the current stack, stores the stack pointer in *from, and resumes *to.
// ucontext's swapcontext would also make a signal-mask system call on every switch.
//   void ember_sim_switch(void** from_sp, void* to_sp);
//   A new fiber's stack holds (from its top): the entry trampoline's address, six zeroed
//   registers (r12 carries the fiber argument) and the saved MXCSR/FPU control word.
    .text
    .globl ember_sim_switch
    .hidden ember_sim_switch
    .type ember_sim_switch, @function
ember_sim_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size ember_sim_switch, .-ember_sim_switch

// First activation of a fiber: r12 holds its argument, r13 its entry function; it must never return.
    .globl ember_sim_fiber_start
    .hidden ember_sim_fiber_start
    .type ember_sim_fiber_start, @function
ember_sim_fiber_start:
    movq %r12, %rdi
    callq *%r13
    ud2
    .size ember_sim_fiber_start, .-ember_sim_fiber_start

    .section .note.GNU-stack,"",@progbits
