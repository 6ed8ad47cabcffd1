// SPDX-License-Identifier: MIT
#include "core/providers/signature_header.hpp"

#include "core/text/text.hpp"

namespace hooks::providers {
namespace {

template <typename Visit> void split_on(std::string_view text, char separator, Visit visit) {
    while (true) {
        size_t end = text.find(separator);
        visit(text.substr(0, end));
        if (end == std::string_view::npos) {
            return;
        }
        text.remove_prefix(end + 1);
    }
}

SignatureEntry split_entry(std::string_view item, char separator) {
    size_t split = item.find(separator);
    if (split == std::string_view::npos) {
        return {std::string(item), std::string()};
    }
    return {std::string(item.substr(0, split)), std::string(item.substr(split + 1))};
}

} // namespace

std::vector<SignatureEntry> parse_versioned_list(std::string_view header) {
    std::vector<SignatureEntry> entries;
    split_on(header, ' ', [&](std::string_view item) {
        if (!item.empty()) {
            entries.push_back(split_entry(item, ','));
        }
    });
    return entries;
}

std::vector<SignatureEntry> parse_key_value_list(std::string_view header, char separator) {
    std::vector<SignatureEntry> entries;
    split_on(header, separator, [&](std::string_view item) {
        item = text::trim_blanks(item);
        if (!item.empty()) {
            SignatureEntry entry = split_entry(item, '=');
            entry.key = std::string(text::trim_blanks(entry.key));
            entry.value = std::string(text::trim_blanks(entry.value));
            entries.push_back(std::move(entry));
        }
    });
    return entries;
}

} // namespace hooks::providers
