# ptgen_generate_tables: runs ptgen-gen at build time, for kernels in C, assembly or Rust.
#
#   ptgen_generate_tables(
#       LAYOUT <file.toml>          the layout file (see README, "Generator")
#       OUTPUT_DIR <dir>            where the files go (relative: to the current binary dir)
#       [NAME <prefix>]             symbol prefix and file name (default ptgen_boot)
#       [EMIT <asm|c|rust|bin|ld>...]  default: asm c ld
#       [TARGET <target>]           the kernel: <prefix>.S joins its sources (with asm), <dir> its
#                                   include path (<prefix>.h) and its linker search path
#                                   (INCLUDE <prefix>.ld), and it relinks when the fragment changes
#       [GENERATOR <ptgen-gen>])    default: the build tree's ptgen-gen target, else the
#                                   installed package's bin/ptgen-gen, else PTGEN_GEN
#
# Sets <prefix>_GENERATED_FILES in the caller's scope. Usable from a cross build: the
# generator is a host program and runs on the build machine.

include_guard(GLOBAL)

set(_PTGEN_GENERATE_INSTALLED_GEN "${CMAKE_CURRENT_LIST_DIR}/../../../bin/ptgen-gen")

function(ptgen_generate_tables)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "LAYOUT;OUTPUT_DIR;NAME;TARGET;GENERATOR" "EMIT")
    foreach(required LAYOUT OUTPUT_DIR)
        if(NOT arg_${required})
            message(FATAL_ERROR "ptgen_generate_tables: ${required} is required")
        endif()
    endforeach()
    if(NOT arg_NAME)
        set(arg_NAME ptgen_boot)
    endif()
    if(NOT arg_EMIT)
        set(arg_EMIT asm c ld)
    endif()
    set(generator "${arg_GENERATOR}")
    set(generator_dep "")
    if(NOT generator)
        if(TARGET ptgen_gen)
            set(generator "$<TARGET_FILE:ptgen_gen>")
            set(generator_dep ptgen_gen)
        elseif(PTGEN_GEN)
            set(generator "${PTGEN_GEN}")
        elseif(EXISTS "${_PTGEN_GENERATE_INSTALLED_GEN}")
            get_filename_component(generator "${_PTGEN_GENERATE_INSTALLED_GEN}" ABSOLUTE)
        else()
            message(FATAL_ERROR "ptgen_generate_tables: no ptgen-gen (build ptgen with "
                "PTGEN_BUILD_TOOLS=ON, install it, or set PTGEN_GEN)")
        endif()
    endif()
    get_filename_component(layout "${arg_LAYOUT}" ABSOLUTE)
    get_filename_component(dir "${arg_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
    set(outputs "")
    foreach(kind IN LISTS arg_EMIT)
        if(kind STREQUAL "asm")
            list(APPEND outputs "${dir}/${arg_NAME}.S")
        elseif(kind STREQUAL "c")
            list(APPEND outputs "${dir}/${arg_NAME}.h")
        elseif(kind STREQUAL "rust")
            list(APPEND outputs "${dir}/${arg_NAME}.rs")
        elseif(kind STREQUAL "bin")
            list(APPEND outputs "${dir}/${arg_NAME}.bin")
        elseif(kind STREQUAL "ld")
            list(APPEND outputs "${dir}/${arg_NAME}.ld")
        else()
            message(FATAL_ERROR "ptgen_generate_tables: EMIT ${kind}: not one of asm c rust bin ld")
        endif()
    endforeach()
    string(REPLACE ";" "," emit "${arg_EMIT}")
    add_custom_command(
        OUTPUT ${outputs}
        COMMAND "${generator}" "${layout}" --output-dir "${dir}" --name "${arg_NAME}" --emit "${emit}"
        DEPENDS "${layout}" ${generator_dep}
        COMMENT "ptgen-gen: ${arg_NAME} from ${arg_LAYOUT}"
        VERBATIM)
    if(arg_TARGET)
        add_custom_target(${arg_TARGET}_${arg_NAME}_tables DEPENDS ${outputs})
        add_dependencies(${arg_TARGET} ${arg_TARGET}_${arg_NAME}_tables)
        if("asm" IN_LIST arg_EMIT)
            target_sources(${arg_TARGET} PRIVATE "${dir}/${arg_NAME}.S")
        endif()
        target_include_directories(${arg_TARGET} PRIVATE "${dir}")
        target_link_options(${arg_TARGET} PRIVATE "-L${dir}")
        if("ld" IN_LIST arg_EMIT)
            set_property(TARGET ${arg_TARGET} APPEND PROPERTY LINK_DEPENDS "${dir}/${arg_NAME}.ld")
        endif()
    endif()
    set(${arg_NAME}_GENERATED_FILES ${outputs} PARENT_SCOPE)
endfunction()
