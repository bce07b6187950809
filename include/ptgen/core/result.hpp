// ptgen/core/result.hpp: errors as values (no exceptions), usable in constant expressions.
#pragma once

#include <type_traits>
#include <memory>
#include <utility>

namespace ptgen {

// The seed's PagingError, plus out_of_range (address outside the format) and invalid_flags
// (a flag set the format cannot grant without granting less than asked).
enum class error : unsigned char {
    no_memory,            // the memory policy could not allocate a table
    not_aligned,          // va, pa or size not aligned to the page size or the range rule
    not_mapped,           // nothing mapped where the call needs a mapping
    already_mapped,       // something mapped where the call needs a hole
    mapped_to_huge_page,  // a huge page sits where a table is needed (single-page calls)
    out_of_range,         // non-canonical va, pa wider than the format, range wraps, other half
    invalid_flags,        // device and uncached together, or a flag the format lacks
    borrowed_range,       // inside root entries copy_from borrowed from another table
};

constexpr const char* to_string(error e) noexcept {
    switch (e) {
        case error::no_memory: return "no_memory";
        case error::not_aligned: return "not_aligned";
        case error::not_mapped: return "not_mapped";
        case error::already_mapped: return "already_mapped";
        case error::mapped_to_huge_page: return "mapped_to_huge_page";
        case error::out_of_range: return "out_of_range";
        case error::invalid_flags: return "invalid_flags";
        case error::borrowed_range: return "borrowed_range";
    }
    return "unknown";
}

// Reading a result against its state. In a constant expression the call of one of these
// (not constexpr) stops compilation, and the compiler names it: "the result holds the error
// not_mapped" for `static_assert(translate(image, va)->pa == ...)` on an unmapped va. At run
// time the same misuse traps (a freestanding kernel has no exceptions to throw).
namespace diagnostic {
inline void result_has_no_value_it_holds_no_memory() {}
inline void result_has_no_value_it_holds_not_aligned() {}
inline void result_has_no_value_it_holds_not_mapped() {}
inline void result_has_no_value_it_holds_already_mapped() {}
inline void result_has_no_value_it_holds_mapped_to_huge_page() {}
inline void result_has_no_value_it_holds_out_of_range() {}
inline void result_has_no_value_it_holds_invalid_flags() {}
inline void result_has_no_value_it_holds_borrowed_range() {}
inline void result_holds_a_value_not_an_error() {}
}  // namespace diagnostic

namespace detail {
constexpr void value_of_failed_result(error e) {
    if (std::is_constant_evaluated()) {
        switch (e) {
            case error::no_memory: diagnostic::result_has_no_value_it_holds_no_memory(); break;
            case error::not_aligned: diagnostic::result_has_no_value_it_holds_not_aligned(); break;
            case error::not_mapped: diagnostic::result_has_no_value_it_holds_not_mapped(); break;
            case error::already_mapped:
                diagnostic::result_has_no_value_it_holds_already_mapped();
                break;
            case error::mapped_to_huge_page:
                diagnostic::result_has_no_value_it_holds_mapped_to_huge_page();
                break;
            case error::out_of_range: diagnostic::result_has_no_value_it_holds_out_of_range(); break;
            case error::invalid_flags: diagnostic::result_has_no_value_it_holds_invalid_flags(); break;
            case error::borrowed_range:
                diagnostic::result_has_no_value_it_holds_borrowed_range();
                break;
        }
    }
    __builtin_trap();
}
constexpr void error_of_successful_result() {
    if (std::is_constant_evaluated()) diagnostic::result_holds_a_value_not_an_error();
    __builtin_trap();
}
}  // namespace detail

// Tag to build a failed result: `return ptgen::fail(error::not_mapped);`
struct failure {
    error code;
};
constexpr failure fail(error e) noexcept { return failure{e}; }

// A value or an error. Minimal std::expected for C++20, constexpr and freestanding.
// Preconditions, checked (see detail::value_of_failed_result): value(), operator* and
// operator-> need has_value(); err() needs !has_value().
template <class T>
class [[nodiscard]] result {
public:
    constexpr result(const T& v) : ok_(true) { std::construct_at(&value_, v); }
    constexpr result(T&& v) : ok_(true) { std::construct_at(&value_, std::move(v)); }
    constexpr result(failure f) : err_(f.code), ok_(false) {}
    constexpr result(const result& o) : ok_(o.ok_) {
        if (ok_) std::construct_at(&value_, o.value_);
        else err_ = o.err_;
    }
    constexpr result(result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) : ok_(o.ok_) {
        if (ok_) std::construct_at(&value_, std::move(o.value_));
        else err_ = o.err_;
    }
    result& operator=(const result&) = delete;
    result& operator=(result&&) = delete;
    constexpr ~result() {
        if (ok_) value_.~T();
    }

    constexpr bool has_value() const noexcept { return ok_; }
    constexpr explicit operator bool() const noexcept { return ok_; }
    constexpr error err() const noexcept {
        if (ok_) detail::error_of_successful_result();
        return err_;
    }
    constexpr T& value() & noexcept { return checked(), value_; }
    constexpr const T& value() const& noexcept { return checked(), value_; }
    constexpr T&& value() && noexcept { return checked(), std::move(value_); }
    constexpr T& operator*() & noexcept { return checked(), value_; }
    constexpr const T& operator*() const& noexcept { return checked(), value_; }
    constexpr T* operator->() noexcept { return checked(), &value_; }
    constexpr const T* operator->() const noexcept { return checked(), &value_; }

    // True when this holds the error e (handy in tests: CHECK(r.is(error::not_mapped))).
    constexpr bool is(error e) const noexcept { return !ok_ && err_ == e; }

private:
    constexpr void checked() const noexcept {
        if (!ok_) detail::value_of_failed_result(err_);
    }

    union {
        T value_;
        error err_;
    };
    bool ok_;
};

template <>
class [[nodiscard]] result<void> {
public:
    constexpr result() = default;
    constexpr result(failure f) : err_(f.code), ok_(false) {}
    constexpr bool has_value() const noexcept { return ok_; }
    constexpr explicit operator bool() const noexcept { return ok_; }
    constexpr error err() const noexcept {
        if (ok_) detail::error_of_successful_result();
        return err_;
    }
    constexpr bool is(error e) const noexcept { return !ok_ && err_ == e; }

private:
    error err_{};
    bool ok_ = true;
};

using status = result<void>;

}  // namespace ptgen

// Propagate a failure: PTGEN_TRY(expr) returns early when expr failed.
#define PTGEN_TRY(expr)                                  \
    do {                                                 \
        if (auto ptgen_try_r_ = (expr); !ptgen_try_r_)   \
            return ::ptgen::fail(ptgen_try_r_.err());    \
    } while (false)
