# Compile options shared by ptgen's own targets (tests, examples, benchmarks).
# Nothing here is attached to the ptgen::ptgen interface target: users keep
# their own warning and constexpr settings.

include_guard(GLOBAL)

# Constexpr-heavy code (whole page tables built by the compiler) exceeds the
# compilers' default evaluation budgets.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set(_ptgen_constexpr_default "-fconstexpr-ops-limit=1000000000;-fconstexpr-loop-limit=10000000")
elseif(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(_ptgen_constexpr_default "-fconstexpr-steps=1000000000")
else()
    set(_ptgen_constexpr_default "")
endif()
set(PTGEN_CONSTEXPR_LIMIT_FLAGS "${_ptgen_constexpr_default}" CACHE STRING
    "Constexpr evaluation limits for ptgen's tests and examples (a ;-list; empty for the compiler's defaults)")
unset(_ptgen_constexpr_default)

# Warnings for code we own. WERROR turns them into errors.
#
# -Wpedantic stays on, minus what it flags inside the test frameworks' macros:
# clang >= 22 calls __COUNTER__ (used by Catch2's TEST_CASE) a "C2y extension".
include(CheckCXXCompilerFlag)
set(PTGEN_WARNING_FLAGS -Wall -Wextra -Wpedantic)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    check_cxx_compiler_flag(-Wc2y-extensions PTGEN_HAVE_WC2Y_EXTENSIONS)
    if(PTGEN_HAVE_WC2Y_EXTENSIONS)
        list(APPEND PTGEN_WARNING_FLAGS -Wno-c2y-extensions)
    endif()
endif()

function(ptgen_target_warnings target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "WERROR" "" "")
    if(MSVC)
        target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${arg_WERROR}>:/WX>)
    else()
        target_compile_options(${target} PRIVATE ${PTGEN_WARNING_FLAGS}
            $<$<BOOL:${arg_WERROR}>:-Werror>)
    endif()
endfunction()

function(ptgen_target_constexpr_limits target)
    if(PTGEN_CONSTEXPR_LIMIT_FLAGS)
        target_compile_options(${target} PRIVATE ${PTGEN_CONSTEXPR_LIMIT_FLAGS})
    endif()
endfunction()
