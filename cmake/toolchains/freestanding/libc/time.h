/* The C library of a freestanding kernel, as far as libc++'s headers need it: <atomic> includes
 * <__chrono/system_clock.h> (for its wait/notify back-off), which declares to_time_t(). No
 * function of <time.h> is declared or needed. */
#ifndef PTGEN_FREESTANDING_TIME_H
#define PTGEN_FREESTANDING_TIME_H

typedef long long time_t;

#endif /* PTGEN_FREESTANDING_TIME_H */
