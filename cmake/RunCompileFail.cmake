# cmake -DCXX=<compiler> -DFLAGS="<flags>" -DINCLUDE_DIR=<dir> -DSOURCE=<file.cpp> -P RunCompileFail.cmake
# See PtgenCompileFail.cmake.

foreach(var CXX INCLUDE_DIR SOURCE)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "RunCompileFail.cmake: -D${var}=... is required")
    endif()
endforeach()

file(STRINGS "${SOURCE}" expect_lines REGEX "^[ \t]*//[ \t]*expect-error:")
if(NOT expect_lines)
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

set(missing "")
foreach(line IN LISTS expect_lines)
    string(REGEX REPLACE "^[ \t]*//[ \t]*expect-error:[ \t]*" "" regex "${line}")
    string(STRIP "${regex}" regex)
    if(NOT out MATCHES "${regex}")
        string(APPEND missing "  ${regex}\n")
    endif()
endforeach()

if(missing)
    message(FATAL_ERROR
        "${SOURCE} failed to compile, but not with the expected diagnostic.\n"
        "Not found in the compiler output:\n${missing}"
        "Compiler output:\n${out}")
endif()
message(STATUS "${SOURCE}: fails to compile as expected")
