# Compile-fail tests: a snippet that must NOT compile, with the diagnostic we expect.
#
#   ptgen_add_compile_fail_test(<name> <source.cpp>)
#
# The source names the diagnostics it expects, one regular expression per line:
#
#   // expect-error: region 1 overlaps region 0
#
# The CTest test `compile_fail.<name>` passes when compiling the source fails AND
# the compiler's output matches every expect-error expression. The compiler is
# invoked directly (-fsyntax-only), so these tests run in parallel without
# touching the build tree.

include_guard(GLOBAL)

set(_PTGEN_COMPILE_FAIL_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/RunCompileFail.cmake")

function(ptgen_add_compile_fail_test name source)
    get_filename_component(source "${source}" ABSOLUTE)
    set(flags ${CMAKE_CXX20_STANDARD_COMPILE_OPTION} ${PTGEN_CONSTEXPR_LIMIT_FLAGS})
    string(REPLACE ";" " " flags "${flags}")
    add_test(NAME compile_fail.${name}
        COMMAND "${CMAKE_COMMAND}"
            "-DCXX=${CMAKE_CXX_COMPILER}"
            "-DFLAGS=${flags}"
            "-DINCLUDE_DIR=${PROJECT_SOURCE_DIR}/include"
            "-DSOURCE=${source}"
            -P "${_PTGEN_COMPILE_FAIL_SCRIPT}")
    set_tests_properties(compile_fail.${name} PROPERTIES
        LABELS compile_fail
        TIMEOUT 300)
endfunction()
