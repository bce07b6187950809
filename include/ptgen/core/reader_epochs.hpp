// ptgen/core/reader_epochs.hpp: a small epoch-based grace period, for kernels that have no
// RCU of their own: the wait_for_readers() of a handler whose tables several CPUs read
// lock-free (core/cpu_sharing.hpp).
//
// Each reader slot (a CPU's index) announces the epoch it entered in; wait() starts a new epoch
// and returns when every slot has left or entered after it began, so a table unlinked before
// wait() cannot be reached by any reader still inside. Both sides fence (seq_cst) between
// their announcement and their next accesses: the reader's store of its epoch before its
// walk's loads, the writer's unlink before its reads of the slots (the store-buffer pattern a
// weaker order would allow).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace ptgen {

template <std::size_t MaxReaders>
class reader_epochs {
public:
    // Around each lock-free reading of the tables (a query, a software walk) on slot r.
    void enter(std::size_t r) noexcept {
        active_[r].store(epoch_.load(std::memory_order_seq_cst), std::memory_order_seq_cst);
        std::atomic_thread_fence(std::memory_order_seq_cst);
    }
    void leave(std::size_t r) noexcept { active_[r].store(0, std::memory_order_release); }

    // Returns when every reader inside at the call has left; relax() runs while it waits (a
    // kernel's pause or its poll of other CPUs' requests). Called by one writer at a time.
    template <class Relax>
    void wait(Relax&& relax) noexcept {
        const std::uint64_t e = epoch_.fetch_add(1, std::memory_order_seq_cst) + 1;
        std::atomic_thread_fence(std::memory_order_seq_cst);
        for (auto& slot : active_) {
            for (;;) {
                const std::uint64_t seen = slot.load(std::memory_order_acquire);
                if (seen == 0 || seen >= e) break;
                relax();
            }
        }
        ++grace_periods_;
    }
    void wait() noexcept {
        wait([] {});
    }

    // Grace periods waited for (for tests and statistics; the writer's).
    std::size_t grace_periods() const noexcept { return grace_periods_; }

private:
    std::atomic<std::uint64_t> epoch_{1};  // 0 in a slot: outside
    std::array<std::atomic<std::uint64_t>, MaxReaders> active_{};
    std::size_t grace_periods_ = 0;
};

}  // namespace ptgen
