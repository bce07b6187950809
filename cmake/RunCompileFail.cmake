# cmake -DCXX=<compiler> -DFLAGS="<flags>" -DINCLUDE_DIR=<dir> -DSOURCE=<file.cpp> -P RunCompileFail.cmake
# See PtgenCompileFail.cmake.

foreach(var CXX INCLUDE_DIR SOURCE)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "RunCompileFail.cmake: -D${var}=... is required")
    endif()
endforeach()

file(STRINGS "${SOURCE}" expect_lines REGEX "^[ \t]*//[ \t]*expect-error:")
file(STRINGS "${SOURCE}" anywhere_lines REGEX "^[ \t]*//[ \t]*expect-anywhere:")
if(NOT expect_lines AND NOT anywhere_lines)
    message(FATAL_ERROR "${SOURCE}: no '// expect-error: <regex>' line; say which diagnostic is expected")
endif()

separate_arguments(flags UNIX_COMMAND "${FLAGS}")
execute_process(
    COMMAND "${CXX}" ${flags} -fsyntax-only "-I${INCLUDE_DIR}" "${SOURCE}"
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out
    RESULT_VARIABLE result)

if(result EQUAL 0)
    message(FATAL_ERROR "${SOURCE} compiled, but it must not.")
endif()

# The error lines ("file:line:col: error: ..."); one mistake must give exactly one (or the
# number a "// expect-error-count: N" line states), and its first error line must match every
# expect-error expression: the reader learns the rule and the region from that line alone.
# (';' would split the CMake list: g++ writes "[with A = ...; B = ...]".)
string(REPLACE ";" "," out_no_semicolons "${out}")
string(REGEX MATCHALL "(^|\n)[^\n]*error: [^\n]*" error_lines "${out_no_semicolons}")
list(LENGTH error_lines error_count)
set(expected_count 1)
file(STRINGS "${SOURCE}" count_line REGEX "^[ \t]*//[ \t]*expect-error-count:")
if(count_line)
    string(REGEX REPLACE "^[ \t]*//[ \t]*expect-error-count:[ \t]*([0-9]+|any).*" "\\1" expected_count "${count_line}")
endif()
set(first_error "")
if(error_lines)
    list(GET error_lines 0 first_error)
    string(STRIP "${first_error}" first_error)
endif()

set(missing "")
foreach(line IN LISTS expect_lines)
    string(REGEX REPLACE "^[ \t]*//[ \t]*expect-error:[ \t]*" "" regex "${line}")
    string(STRIP "${regex}" regex)
    if(NOT first_error MATCHES "${regex}")
        string(APPEND missing "  ${regex}\n")
    endif()
endforeach()
# expect-anywhere: <regex> may match any line (g++ states why a constant expression failed
# in a second error, after "non-constant condition for static assertion").
foreach(line IN LISTS anywhere_lines)
    string(REGEX REPLACE "^[ \t]*//[ \t]*expect-anywhere:[ \t]*" "" regex "${line}")
    string(STRIP "${regex}" regex)
    if(NOT out MATCHES "${regex}")
        string(APPEND missing "  ${regex} (anywhere)\n")
    endif()
endforeach()
if(expected_count STREQUAL "any")
    set(expected_count ${error_count})
endif()

if(missing OR NOT error_count EQUAL expected_count)
    message(FATAL_ERROR
        "${SOURCE} failed to compile, but not with the expected diagnostic.\n"
        "Errors: ${error_count} (expected ${expected_count}). First error line:\n${first_error}\n"
        "Not matched by the first error line:\n${missing}"
        "Compiler output:\n${out}")
endif()
message(STATUS "${SOURCE}: fails to compile as expected")
