// SPDX-License-Identifier: MIT
#include "core/inspect/assets.hpp"

#include <array>
#include <fstream>
#include <sstream>
#include <utility>

namespace hooks::inspect {

std::optional<std::string_view> content_type_for(std::string_view name) {
    if (name.empty() || name.front() == '.' ||
        name.find_first_of("/\\") != std::string_view::npos) {
        return std::nullopt;
    }
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> k_types{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
    }};
    for (const auto& [extension, type] : k_types) {
        if (name.size() > extension.size() && name.ends_with(extension)) {
            return type;
        }
    }
    return std::nullopt;
}

std::optional<Asset> find_asset(std::string_view name, const std::string& dir) {
    if (name.empty()) {
        name = "index.html";
    }
    auto type = content_type_for(name);
    if (!type) {
        return std::nullopt;
    }
    if (!dir.empty()) {
        std::ifstream file(dir + "/" + std::string(name), std::ios::binary);
        if (!file) {
            return std::nullopt;
        }
        // Through a stringstream: GCC 12 at -O3 sees a null dereference in the inlined
        // istreambuf_iterator path that is not there (-Wnull-dereference, a build error).
        std::ostringstream contents;
        contents << file.rdbuf();
        return Asset{*type, std::move(contents).str()};
    }
    for (const detail::EmbeddedAsset& asset : detail::embedded_assets()) {
        if (asset.name == name) {
            return Asset{*type, std::string(asset.bytes)};
        }
    }
    return std::nullopt;
}

} // namespace hooks::inspect
