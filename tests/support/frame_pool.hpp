// tests/support/frame_pool.hpp: a host frame allocator that pretends to be physical memory.
// Physical addresses start at `base` (not 0, so pa != host address); every live frame is
// tracked, and allocation number k can be made to fail (fault injection).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>
#include <vector>

#include <ptgen/core/address.hpp>
#include <ptgen/core/handler_memory.hpp>

namespace ptgen::test {

class frame_pool {
public:
    static constexpr std::size_t frame = 4096;

    explicit frame_pool(std::size_t frames, paddr base = 0x8000'0000)
        : base_(base), used_(frames, false), meta_(frames) {
        memory_ = static_cast<std::byte*>(std::aligned_alloc(64 * 1024, frames * frame));
    }
    ~frame_pool() { std::free(memory_); }
    frame_pool(const frame_pool&) = delete;
    frame_pool& operator=(const frame_pool&) = delete;

    std::optional<paddr> alloc(std::size_t n, std::size_t align) {
        ++allocations_;
        if (fail_at_ != 0 && allocations_ == fail_at_) return std::nullopt;
        if (limit_ != 0 && live_.size() + n > limit_) return std::nullopt;
        const std::size_t step = align < frame ? 1 : align / frame;
        for (std::size_t f = 0; f + n <= used_.size(); f += step) {
            bool free = true;
            for (std::size_t k = 0; k < n && free; ++k) free = !used_[f + k];
            if (!free) continue;
            for (std::size_t k = 0; k < n; ++k) {
                used_[f + k] = true;
                live_.insert(base_ + (f + k) * frame);
            }
            // Dirty the frames: the library must zero what it allocates.
            for (std::size_t b = 0; b < n * frame; ++b) memory_[f * frame + b] = std::byte{0xa5};
            return base_ + f * frame;
        }
        return std::nullopt;
    }
    void dealloc(paddr pa, std::size_t n) {
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t f = std::size_t(pa - base_) / frame + k;
            if (f >= used_.size() || !used_[f]) {
                ++bad_frees_;
                continue;
            }
            used_[f] = false;
            live_.erase(pa + k * frame);
        }
    }
    void* to_virt(paddr pa) const { return memory_ + (pa - base_); }
    // A handler's zero_frames: zeroes [pa, pa + bytes), which must lie in live frames.
    void zero(paddr pa, std::size_t bytes) {
        ++zero_calls_;
        zero_bytes_ += bytes;
        for (paddr f = pa; f < pa + bytes; f += frame)
            if (!live_.contains(f)) ++bad_zeroes_;
        std::memset(to_virt(pa), 0, bytes);
    }
    std::size_t zero_calls() const { return zero_calls_; }
    std::size_t zero_bytes() const { return zero_bytes_; }
    std::size_t bad_zeroes() const { return bad_zeroes_; }
    // The bookkeeping of the table in frame pa (a side array, one per frame).
    table_meta* meta(paddr pa) { return &meta_[std::size_t(pa - base_) / frame]; }
    bool contains(paddr pa) const { return pa >= base_ && pa - base_ < used_.size() * frame; }

    std::size_t live_frames() const { return live_.size(); }
    const std::set<paddr>& live() const { return live_; }
    std::size_t allocations() const { return allocations_; }
    std::size_t bad_frees() const { return bad_frees_; }
    // Make the k-th allocation from now fail (0: never).
    void fail_after(std::size_t k) { fail_at_ = k == 0 ? 0 : allocations_ + k; }
    // At most n live frames (0: no limit).
    void limit(std::size_t n) { limit_ = n; }

private:
    paddr base_;
    std::byte* memory_;
    std::vector<bool> used_;
    std::vector<table_meta> meta_;
    std::set<paddr> live_;
    std::size_t allocations_ = 0;
    std::size_t fail_at_ = 0;
    std::size_t limit_ = 0;
    std::size_t bad_frees_ = 0;
    std::size_t zero_calls_ = 0;
    std::size_t zero_bytes_ = 0;
    std::size_t bad_zeroes_ = 0;
};

// A stateful handler: a small handle to a pool (the page table copies the handle). It keeps
// a table_meta per frame (ptgen counts each table's entries in it) and zeroes new tables
// itself (zero_frames); plain_pool_handler does neither, so tests over both reach both ways.
struct plain_pool_handler {
    frame_pool* pool;
    std::optional<paddr> alloc_frame() { return pool->alloc(1, frame_pool::frame); }
    std::optional<paddr> alloc_frames(std::size_t n, std::size_t align) {
        return pool->alloc(n, align);
    }
    void dealloc_frame(paddr pa) { pool->dealloc(pa, 1); }
    void dealloc_frames(paddr pa, std::size_t n) { pool->dealloc(pa, n); }
    void* phys_to_virt(paddr pa) const { return pool->to_virt(pa); }
};
struct pool_handler : plain_pool_handler {
    ptgen::table_meta* table_meta(paddr pa) const { return pool->meta(pa); }
    void zero_frames(paddr pa, std::size_t bytes) const { pool->zero(pa, bytes); }
};

// A stateless handler in the seed's style: static functions over one global pool.
struct global_pool_handler {
    static frame_pool& pool() {
        static frame_pool p(4096, 0x1000'0000);
        return p;
    }
    static std::optional<paddr> alloc_frame() { return pool().alloc(1, frame_pool::frame); }
    static std::optional<paddr> alloc_frames(std::size_t n, std::size_t align) {
        return pool().alloc(n, align);
    }
    static void dealloc_frame(paddr pa) { pool().dealloc(pa, 1); }
    static void dealloc_frames(paddr pa, std::size_t n) { pool().dealloc(pa, n); }
    static std::uintptr_t phys_to_virt(paddr pa) {
        return reinterpret_cast<std::uintptr_t>(pool().to_virt(pa));
    }
};

}  // namespace ptgen::test
