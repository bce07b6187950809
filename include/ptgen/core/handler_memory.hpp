// ptgen/core/handler_memory.hpp: run-time table memory from the user's frame allocator,
// the C++ form of the seed's PagingHandler.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "memory.hpp"

namespace ptgen {

inline constexpr std::size_t frame_size = 4096;

// What a handler provides, as static functions (stateless, like the seed) or as members of a
// handler object (stateful allocators: pass the object, or a small handle to it, to create()):
//   alloc_frame() -> optional-like paddr (contextually bool, operator*), a 4 KiB frame
//   alloc_frames(num, align) -> optional-like paddr, num contiguous frames aligned to align
//   dealloc_frame(pa), dealloc_frames(pa, num)
//   phys_to_virt(pa) -> pointer (void* or any object pointer) where the frame is accessible
// and, optionally,
//   table_meta(pa) -> ptgen::table_meta*, the bookkeeping of the table in frame pa (kept beside
//   the frames, as Linux keeps it in struct page; nullptr: none for this frame)
namespace handler_needs {
template <class H>
concept alloc_frame = requires(H& h) {
    { static_cast<bool>(h.alloc_frame()) };
    { static_cast<paddr>(*h.alloc_frame()) };
};
template <class H>
concept alloc_frames = requires(H& h, std::size_t n) {
    { static_cast<bool>(h.alloc_frames(n, n)) };
    { static_cast<paddr>(*h.alloc_frames(n, n)) };
};
template <class H>
concept dealloc_frame = requires(H& h, paddr pa) { h.dealloc_frame(pa); };
template <class H>
concept dealloc_frames = requires(H& h, paddr pa, std::size_t n) { h.dealloc_frames(pa, n); };
template <class H>
concept phys_to_virt = requires(H& h, paddr pa) { h.phys_to_virt(pa); };
}  // namespace handler_needs

// What ptgen keeps per table when the handler gives it room: with it, "is this table empty?"
// is one load instead of a scan (the cost of reclaiming the table of a single-page unmap).
// The count is right as long as only ptgen writes the table's entries (walkers set A/D bits
// only in valid entries, which never turns an entry zero or non-zero).
struct table_meta {
    std::uint32_t nonzero_entries;
};

template <class H>
concept keeps_table_meta = requires(H& h, paddr pa) {
    { h.table_meta(pa) } -> std::same_as<table_meta*>;
};

// Optional: zero_frames(pa, bytes) zeroes a new table (a kernel's clear_page: rep stosb, or
// DC ZVA). Without it ptgen zeroes with volatile word stores, which never become a call.
template <class H>
concept zeroes_frames = requires(H& h, paddr pa, std::size_t bytes) { h.zero_frames(pa, bytes); };

// Optional, for tables several CPUs read (core/cpu_sharing.hpp): wait_for_readers() returns when
// every software reader that may still see unlinked tables has left; or
// dealloc_frames_after_readers(pa, num) frees the frames once they have (call_rcu).
template <class H>
concept handler_waits_for_readers = requires(H& h) { h.wait_for_readers(); };
template <class H>
concept handler_frees_after_readers = requires(H& h, paddr pa, std::size_t n) {
    h.dealloc_frames_after_readers(pa, n);
};

template <class H>
concept paging_handler = handler_needs::alloc_frame<H> && handler_needs::alloc_frames<H> &&
                         handler_needs::dealloc_frame<H> && handler_needs::dealloc_frames<H> &&
                         handler_needs::phys_to_virt<H>;

namespace detail {
// phys_to_virt may return a pointer or an integer address (the seed returns a VirtAddr).
template <class V>
void* as_pointer(V v) noexcept {
    if constexpr (std::is_pointer_v<V>) return const_cast<void*>(static_cast<const void*>(v));
    else return reinterpret_cast<void*>(static_cast<std::uintptr_t>(v));
}
}  // namespace detail

// Handler memory with an optional predicate of frames the engine does not own (adopted boot
// tables). Entry stores are single-copy atomic (std::atomic_ref of the entry's width) because
// hardware walkers read tables concurrently; stores are release so that a table's contents
// are visible before the entry that links it.
// (Not constrained by paging_handler: a handler that lacks a member gets one static_assert
// that names the member, on every compiler, instead of a constraint failure to unfold. The
// checks sit in the constructors so that the class itself stays valid.)
template <class Handler>
class handler_memory {
public:
    using handler_type = Handler;

    constexpr handler_memory() { check_handler(); }
    constexpr handler_memory(Handler h) : handler_(static_cast<Handler&&>(h)) { check_handler(); }

    Handler& handler() noexcept { return handler_; }
    const Handler& handler() const noexcept { return handler_; }

    template <class E>
    struct table_view {
        E* entries;
        std::uint32_t* nonzero = nullptr;  // the table's count, where the handler keeps one

        [[gnu::always_inline]] E load(std::size_t i) const noexcept {
            return std::atomic_ref<E>(entries[i]).load(std::memory_order_relaxed);
        }
        [[gnu::always_inline]] E load_acquire(std::size_t i) const noexcept {
            return std::atomic_ref<E>(entries[i]).load(std::memory_order_acquire);
        }
        [[gnu::always_inline]] void store(std::size_t i, E e) const noexcept {
            store(i, e, nonzero ? load(i) : E{0});
        }
        // The same where the caller has just read the entry (`old`): no second load, and no
        // write of the count unless the entry turns zero or non-zero.
        [[gnu::always_inline]] void store(std::size_t i, E e, E old) const noexcept {
            if (nonzero && (e != 0) != (old != 0)) *nonzero += e != 0 ? 1u : ~0u;
            std::atomic_ref<E>(entries[i]).store(e, std::memory_order_release);
        }
        // Does the table keep a count of its non-zero entries (then all_zero is one load)?
        [[gnu::always_inline]] bool counted() const noexcept { return nonzero != nullptr; }
        [[gnu::always_inline]] bool all_zero(std::size_t n) const noexcept {
            if (nonzero) return *nonzero == 0;
            return scan_zero(n);
        }
        // Plain loads (see scan_zero): for questions the bits walkers set do not change.
        template <class Pred>
        bool all_of(std::size_t i, std::size_t n, Pred pred) const noexcept {
            bool all = true;
            for (std::size_t k = 0; k < n; ++k) all &= pred(k, entries[i + k]);
            return all;
        }
        // fill() of entries that are non-zero before and after (the count stays).
        void rewrite(std::size_t i, std::size_t n, E e0, E stride) const noexcept {
            for (std::size_t k = 0; k < n; ++k, e0 += stride)
                std::atomic_ref<E>(entries[i + k]).store(e0, std::memory_order_relaxed);
            std::atomic_thread_fence(std::memory_order_release);
        }
        // Plain loads, eight entries a step: only the owner writes a table that holds no
        // valid entry (walkers set A/D bits in valid entries only), and one that holds some is
        // not all zero whatever the loads see.
        bool scan_zero(std::size_t n) const noexcept {
            std::size_t k = 0;
            for (; k + 8 <= n; k += 8) {
                const E* p = entries + k;
                if ((p[0] | p[1] | p[2] | p[3] | p[4] | p[5] | p[6] | p[7]) != 0) return false;
            }
            E rest = 0;  // (a table of other than a multiple of 8 entries)
            for (; k < n; ++k) rest |= entries[k];
            return rest == 0;
        }
        void fill(std::size_t i, std::size_t n, E e0, E stride) const noexcept {
            std::uint32_t count = nonzero ? *nonzero : 0;
            for (std::size_t k = 0; k < n; ++k, e0 += stride) {
                if (nonzero) count += std::uint32_t(e0 != 0) - std::uint32_t(load(i + k) != 0);
                std::atomic_ref<E>(entries[i + k]).store(e0, std::memory_order_relaxed);
            }
            if (nonzero) *nonzero = count;
            std::atomic_thread_fence(std::memory_order_release);
        }
    };

    // (Each body is guarded by paging_handler<Handler>: an incomplete handler gets the one
    // static_assert of check_handler, not an error per use of the missing member.)
    result<paddr> allocate_table(const level_geometry& g) {
        if constexpr (!paging_handler<Handler>) {
            return fail(error::no_memory);
        } else {
            return allocate_frames(g);
        }
    }

    void free_table(paddr pa, const level_geometry& g) {
        if constexpr (paging_handler<Handler>) {
            const std::size_t frames = (g.table_bytes() + frame_size - 1) / frame_size;
            if (frames == 1 && g.table_align <= frame_size) handler_.dealloc_frame(pa);
            else handler_.dealloc_frames(pa, frames);
        }
    }

    // The grace hook of core/cpu_sharing.hpp, where the handler has one.
    void wait_for_readers()
        requires handler_waits_for_readers<Handler>
    {
        handler_.wait_for_readers();
    }
    void free_table_after_readers(paddr pa, const level_geometry& g)
        requires handler_frees_after_readers<Handler>
    {
        handler_.dealloc_frames_after_readers(pa, (g.table_bytes() + frame_size - 1) / frame_size);
    }

    // (Inlined always: every entry access makes a view, and g++ stopped inlining it once
    // it looked up the table's count, which then cost a call per load.)
    template <class E>
    [[gnu::always_inline]] table_view<E> view(paddr pa) const {
        if constexpr (paging_handler<Handler>)
            return {static_cast<E*>(detail::as_pointer(handler_.phys_to_virt(pa))), count_of(pa)};
        else
            return {nullptr};
    }

    // Frames inside [foreign_base, foreign_base + foreign_size) were not allocated by the
    // handler (boot tables adopted from a linker section) and are never handed back to it.
    constexpr void set_foreign_range(paddr base, std::uint64_t size) noexcept {
        foreign_base_ = base;
        foreign_size_ = size;
    }
    constexpr bool owns(paddr pa) const noexcept {
        return pa - foreign_base_ >= foreign_size_;
    }

private:
    // The count of an owned table (a foreign one was written by someone else: none).
    [[gnu::always_inline]] std::uint32_t* count_of(paddr pa) const {
        if constexpr (keeps_table_meta<Handler>) {
            if (owns(pa)) {
                if (ptgen::table_meta* m = handler_.table_meta(pa)) return &m->nonzero_entries;
            }
        }
        return nullptr;
    }

    result<paddr> allocate_frames(const level_geometry& g) {
        const std::size_t frames = (g.table_bytes() + frame_size - 1) / frame_size;
        paddr pa{};
        if (frames == 1 && g.table_align <= frame_size) {
            auto f = handler_.alloc_frame();
            if (!f) return fail(error::no_memory);
            pa = static_cast<paddr>(*f);
        } else {
            const std::size_t align = g.table_align > frame_size ? g.table_align : frame_size;
            auto f = handler_.alloc_frames(frames, align);
            if (!f) return fail(error::no_memory);
            pa = static_cast<paddr>(*f);
        }
        if constexpr (zeroes_frames<Handler>) {
            handler_.zero_frames(pa, g.table_bytes());
        } else {
            // Volatile stores (never turned into a memset call a freestanding kernel may lack),
            // a word at a time: byte stores made zeroing the largest cost of a 4 KiB map.
            // (Every table of every format is a whole number of 8-byte words, 8-byte aligned.)
            auto* words = static_cast<volatile std::uint64_t*>(
                detail::as_pointer(handler_.phys_to_virt(pa)));
            for (std::size_t i = 0; i < g.table_bytes() / 8; ++i) words[i] = 0;
        }
        if (std::uint32_t* count = count_of(pa)) *count = 0;
        return pa;
    }

    static constexpr void check_handler() {
        static_assert(handler_needs::alloc_frame<Handler>,
                      "ptgen handler: needs alloc_frame() returning an optional-like paddr "
                      "(contextually bool, *r converts to ptgen::paddr)");
        static_assert(handler_needs::alloc_frames<Handler>,
                      "ptgen handler: needs alloc_frames(std::size_t num, std::size_t align) "
                      "returning an optional-like paddr");
        static_assert(handler_needs::dealloc_frame<Handler>,
                      "ptgen handler: needs dealloc_frame(ptgen::paddr)");
        static_assert(handler_needs::dealloc_frames<Handler>,
                      "ptgen handler: needs dealloc_frames(ptgen::paddr, std::size_t num)");
        static_assert(handler_needs::phys_to_virt<Handler>,
                      "ptgen handler: needs phys_to_virt(ptgen::paddr) returning a pointer or an "
                      "address");
    }

    [[no_unique_address]] mutable Handler handler_{};
    paddr foreign_base_ = 0;
    std::uint64_t foreign_size_ = 0;
};

}  // namespace ptgen
