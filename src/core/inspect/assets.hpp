// SPDX-License-Identifier: MIT
/// The inspector's page: the files of ui/ (HTML, CSS, JavaScript modules), embedded in the
/// binary at build time (cmake/embed_assets.cmake), or read from a folder on disk while the page
/// is being developed (--ui-assets DIR).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hooks::inspect {

/// One file of the page, ready to serve.
struct Asset {
    std::string_view content_type; ///< "text/javascript; charset=utf-8"
    std::string body;
};

/// The content type for a page file's name, by its extension (.html, .js, .css, .svg, .png);
/// nothing for any other name, a name with a '/' or '\\', or one starting with '.', which are
/// never served.
std::optional<std::string_view> content_type_for(std::string_view name);

/// The page file `name` ("" means index.html): read from `dir` when it is not empty (at each
/// call, so that an edit shows on reload), else the embedded copy. Nothing when there is no such
/// file or the name is not one content_type_for() accepts.
std::optional<Asset> find_asset(std::string_view name, const std::string& dir);

namespace detail {
struct EmbeddedAsset {
    std::string_view name;
    std::string_view bytes;
};
/// The files of ui/ as they were at build time, by name (generated: ui_assets.cpp).
std::span<const EmbeddedAsset> embedded_assets();
} // namespace detail

} // namespace hooks::inspect
