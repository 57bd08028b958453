// The floor for writing an export: the same text, already made, written to standard
// output with plain fwrite in 64 KiB blocks.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: fwrite_floor FILE\n";
        return 64;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::vector<char> block(1 << 16);
    while (in.read(block.data(), static_cast<std::streamsize>(block.size())) || in.gcount() > 0)
        if (std::fwrite(block.data(), 1, static_cast<size_t>(in.gcount()), stdout) !=
            static_cast<size_t>(in.gcount()))
            return 1;
    return std::fflush(stdout) == 0 ? 0 : 1;
}
