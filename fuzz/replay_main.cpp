// SPDX-License-Identifier: MIT
// Replays a fuzz corpus through a fuzz target without libFuzzer, so that the corpora run as
// ordinary tests (and under the sanitizer build's ASan/UBSan) on any compiler.
#include "fuzz_target.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace {

std::vector<std::filesystem::path> inputs_in(const std::filesystem::path& path) {
    std::vector<std::filesystem::path> files;
    if (!std::filesystem::is_directory(path)) {
        files.push_back(path);
        return files;
    }
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (entry.is_regular_file()) {
            files.push_back(entry.path());
        }
    }
    // Sorted, so that a failure reproduces in the same order on every machine.
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: " << (argc > 0 ? argv[0] : "fuzz_replay") << " DIR|FILE...\n";
        return 2;
    }
    size_t count = 0;
    for (int i = 1; i < argc; ++i) {
        for (const std::filesystem::path& file : inputs_in(argv[i])) {
            std::ifstream stream(file, std::ios::binary);
            if (!stream) {
                std::cerr << "cannot read " << file.string() << '\n';
                return 2;
            }
            std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(stream),
                                       std::istreambuf_iterator<char>()};
            std::cerr << "replaying " << file.string() << '\n';
            // libFuzzer never passes a null pointer, even for an empty input.
            uint8_t empty = 0;
            LLVMFuzzerTestOneInput(bytes.empty() ? &empty : bytes.data(), bytes.size());
            ++count;
        }
    }
    std::cout << "replayed " << count << " inputs\n";
    // An empty corpus means a wrong path, not a passing test.
    return count == 0 ? 1 : 0;
}
