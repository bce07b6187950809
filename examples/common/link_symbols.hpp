// examples/common/link_symbols.hpp: the layout's table_base as the absolute symbol
// ptgen_table_base, which each kernel's linker script compares with the address of
// .ptgen.boot (ASSERT), so that the script and the layout cannot disagree.
#pragma once

#define PTGEN_KERNEL_TABLE_BASE_SYMBOL(layout)                                        \
    [[gnu::used]] static void ptgen_symbols() {                                       \
        asm volatile(".globl ptgen_table_base\n\t.set ptgen_table_base, %c0"          \
                     : : "i"(static_cast<unsigned long>((layout).table_base)));       \
    }
