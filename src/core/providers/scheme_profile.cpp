// SPDX-License-Identifier: MIT
#include "core/providers/scheme_profile.hpp"

#include "core/text/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

namespace hooks::providers {
namespace {

using nlohmann::json;

bool has_control_character(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7f'; });
}

// Every field but the signed content's template ends up in one-line messages (errors, verify
// reasons) or in header names and values, where a CR or LF would break the line.
Result<std::string> string_field(const json& object, const char* key, bool is_required) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        if (is_required) {
            return fail(ErrorKind::config, std::string("profile field '") + key + "' is required");
        }
        return std::string();
    }
    if (!it->is_string()) {
        return fail(ErrorKind::config, std::string("profile field '") + key + "' must be a string");
    }
    if (std::string_view(key) != "signed_content" &&
        has_control_character(it->get_ref<const std::string&>())) {
        return fail(ErrorKind::config,
                    std::string("profile field '") + key + "' must not contain control characters");
    }
    return it->get<std::string>();
}

template <typename Enum, size_t N>
Result<Enum> enum_field(const json& object, const char* key, Enum fallback,
                        const std::array<std::pair<const char*, Enum>, N>& choices) {
    auto text = string_field(object, key, false);
    if (!text) {
        return tl::unexpected(text.error());
    }
    if (text->empty()) {
        return fallback;
    }
    std::string names;
    for (const auto& [name, value] : choices) {
        if (*text == name) {
            return value;
        }
        names += names.empty() ? name : std::string(", ") + name;
    }
    return fail(ErrorKind::config, std::string("profile field '") + key + "' must be one of " +
                                       names + ", not '" + *text + "'");
}

bool is_valid_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

Result<void> check_template(std::string_view text) {
    static constexpr std::array<std::string_view, 5> k_placeholders = {
        "{id}", "{timestamp}", "{body}", "{method}", "{url}"};
    for (size_t open = text.find('{'); open != std::string_view::npos;
         open = text.find('{', open + 1)) {
        bool is_known =
            std::any_of(k_placeholders.begin(), k_placeholders.end(),
                        [&](std::string_view p) { return text.substr(open, p.size()) == p; });
        if (!is_known) {
            return fail(ErrorKind::config,
                        "profile field 'signed_content' has an unknown placeholder at '" +
                            text::printable(text.substr(open, 12)) +
                            "' (use {id}, {timestamp}, {body}, {method}, {url})");
        }
    }
    return {};
}

// Each header a profile names has one role: a signature header that is also the timestamp or a
// fixed header could never verify what was signed.
Result<void> check_header_names(const SchemeProfile& profile) {
    std::vector<std::string_view> names{profile.signature_header};
    for (const std::string* name : {&profile.id_header, &profile.timestamp_header}) {
        if (!name->empty()) {
            names.push_back(*name);
        }
    }
    for (const message::Header& fixed : profile.fixed_headers) {
        names.push_back(fixed.name);
    }
    for (size_t i = 0; i < names.size(); ++i) {
        for (size_t j = i + 1; j < names.size(); ++j) {
            if (message::names_equal(names[i], names[j])) {
                return fail(ErrorKind::config, "profile '" + profile.name + "' names header '" +
                                                   std::string(names[i]) + "' twice");
            }
        }
    }
    if (profile.signature_header.empty()) {
        return fail(ErrorKind::config, "profile field 'signature_header' must not be empty");
    }
    return {};
}

Result<void> check_consistency(const SchemeProfile& profile) {
    if (!is_valid_name(profile.name)) {
        return fail(ErrorKind::config,
                    "profile name '" + profile.name + "' must be 1-64 of a-z, 0-9, '-', '_'");
    }
    if (auto valid = check_template(profile.signed_content); !valid) {
        return valid;
    }
    if (profile.is_timestamped() && profile.timestamp_header.empty() &&
        !(profile.format == SignatureFormat::key_value && !profile.timestamp_key.empty())) {
        return fail(ErrorKind::config, "profile '" + profile.name +
                                           "' signs {timestamp} but names no 'timestamp_header' "
                                           "or key-value 'timestamp_key'");
    }
    if (profile.has_id() && profile.id_header.empty()) {
        return fail(ErrorKind::config,
                    "profile '" + profile.name + "' signs {id} but names no 'id_header'");
    }
    if (profile.format != SignatureFormat::plain && profile.signature_version.empty()) {
        return fail(ErrorKind::config, "profile '" + profile.name +
                                           "' needs 'signature_version' for its signature format");
    }
    if (profile.format == SignatureFormat::key_value && profile.pair_separator != ',' &&
        profile.pair_separator != ';') {
        return fail(ErrorKind::config, "profile field 'pair_separator' must be ',' or ';'");
    }
    // Ed25519 signatures have a place only in a versioned list, under their own tag: signing
    // a plain or key-value profile with a whsk_ key had no signature to write.
    if (!profile.ed25519_version.empty() &&
        (profile.format != SignatureFormat::versioned ||
         profile.ed25519_version == profile.signature_version)) {
        return fail(ErrorKind::config,
                    "profile field 'ed25519_version' needs the versioned signature format and a "
                    "tag other than 'signature_version'");
    }
    return check_header_names(profile);
}

Result<void> read_strings(const json& object, SchemeProfile& profile) {
    struct StringField {
        const char* key;
        std::string* target;
        bool is_required;
    };
    std::string separator;
    const std::array<StringField, 12> strings = {{
        {"name", &profile.name, true},
        {"title", &profile.title, false},
        {"summary", &profile.summary, false},
        {"signed_content", &profile.signed_content, true},
        {"signature_header", &profile.signature_header, true},
        {"signature_prefix", &profile.signature_prefix, false},
        {"signature_version", &profile.signature_version, false},
        {"ed25519_version", &profile.ed25519_version, false},
        {"timestamp_key", &profile.timestamp_key, false},
        {"timestamp_header", &profile.timestamp_header, false},
        {"id_header", &profile.id_header, false},
        {"pair_separator", &separator, false},
    }};
    for (const StringField& field : strings) {
        auto value = string_field(object, field.key, field.is_required);
        if (!value) {
            return tl::unexpected(value.error());
        }
        *field.target = std::move(*value);
    }
    if (!separator.empty()) {
        if (separator.size() != 1) {
            return fail(ErrorKind::config, "profile field 'pair_separator' must be ',' or ';'");
        }
        profile.pair_separator = separator[0];
    }
    if (profile.title.empty()) {
        profile.title = profile.name;
    }
    return {};
}

Result<void> read_choices(const json& object, SchemeProfile& profile) {
    auto algorithm = string_field(object, "algorithm", false);
    if (!algorithm) {
        return tl::unexpected(algorithm.error());
    }
    if (!algorithm->empty()) {
        auto parsed = crypto::parse_digest_algorithm(*algorithm);
        if (!parsed) {
            return fail(ErrorKind::config, "profile field 'algorithm': " + parsed.error().message);
        }
        profile.algorithm = *parsed;
    }
    auto encoding =
        enum_field(object, "encoding", SignatureEncoding::hex,
                   std::array<std::pair<const char*, SignatureEncoding>, 2>{
                       {{"hex", SignatureEncoding::hex}, {"base64", SignatureEncoding::base64}}});
    auto format = enum_field(object, "signature_format", SignatureFormat::plain,
                             std::array<std::pair<const char*, SignatureFormat>, 3>{
                                 {{"plain", SignatureFormat::plain},
                                  {"versioned", SignatureFormat::versioned},
                                  {"key-value", SignatureFormat::key_value}}});
    auto key_format = enum_field(
        object, "key_format", KeyFormat::raw,
        std::array<std::pair<const char*, KeyFormat>, 4>{{{"raw", KeyFormat::raw},
                                                          {"whsec-base64", KeyFormat::whsec_base64},
                                                          {"base64", KeyFormat::base64},
                                                          {"hex", KeyFormat::hex}}});
    auto unit = enum_field(object, "timestamp_unit", TimestampUnit::seconds,
                           std::array<std::pair<const char*, TimestampUnit>, 3>{
                               {{"seconds", TimestampUnit::seconds},
                                {"milliseconds", TimestampUnit::milliseconds},
                                {"rfc3339", TimestampUnit::rfc3339}}});
    auto construction =
        enum_field(object, "mac", MacConstruction::hmac,
                   std::array<std::pair<const char*, MacConstruction>, 2>{
                       {{"hmac", MacConstruction::hmac},
                        {"secret-prefix-hash", MacConstruction::secret_prefix_hash}}});
    if (!encoding || !format || !key_format || !unit || !construction) {
        return tl::unexpected(!encoding     ? encoding.error()
                              : !format     ? format.error()
                              : !key_format ? key_format.error()
                              : !unit       ? unit.error()
                                            : construction.error());
    }
    profile.construction = *construction;
    profile.encoding = *encoding;
    profile.format = *format;
    profile.key_format = *key_format;
    profile.timestamp_unit = *unit;
    return {};
}

Result<void> read_tolerance(const json& object, SchemeProfile& profile) {
    if (auto it = object.find("tolerance_seconds"); it != object.end() && !it->is_null()) {
        constexpr long long k_ten_years = 10LL * 365 * 24 * 3600;
        if (!it->is_number_integer() || it->get<long long>() < 0 ||
            it->get<long long>() > k_ten_years) {
            return fail(ErrorKind::config,
                        "profile field 'tolerance_seconds' must be a whole number of seconds >= 0");
        }
        if (it->get<long long>() > 0) {
            profile.tolerance = std::chrono::seconds(it->get<long long>());
        }
    }
    if (auto it = object.find("rejects_future"); it != object.end() && !it->is_null()) {
        if (!it->is_boolean()) {
            return fail(ErrorKind::config, "profile field 'rejects_future' must be true or false");
        }
        profile.rejects_future = it->get<bool>();
    }
    return {};
}

Result<std::vector<std::string>> string_list(const json& object, const char* key) {
    std::vector<std::string> list;
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return list;
    }
    if (!it->is_array()) {
        return fail(ErrorKind::config,
                    std::string("profile field '") + key + "' must be an array of strings");
    }
    for (const json& item : *it) {
        if (!item.is_string() || item.get<std::string>().empty() ||
            has_control_character(item.get_ref<const std::string&>())) {
            return fail(ErrorKind::config,
                        std::string("profile field '") + key +
                            "' must be an array of non-empty strings without control characters");
        }
        list.push_back(item.get<std::string>());
    }
    return list;
}

// RFC 6901: "/" before each token, '~' only as "~0" or "~1" (json_pointer throws otherwise,
// which verify() would have done for every delivery).
bool is_json_pointer(std::string_view text) {
    if (text.front() != '/') {
        return false;
    }
    for (size_t at = text.find('~'); at != std::string_view::npos; at = text.find('~', at + 1)) {
        if (at + 1 == text.size() || (text[at + 1] != '0' && text[at + 1] != '1')) {
            return false;
        }
    }
    return true;
}

Result<void> read_lists(const json& object, SchemeProfile& profile) {
    auto detect = string_list(object, "detect_headers");
    auto unescapes = string_list(object, "url_unescapes");
    auto timestamp_field = string_field(object, "timestamp_field", false);
    if (!detect || !unescapes || !timestamp_field) {
        return tl::unexpected(!detect      ? detect.error()
                              : !unescapes ? unescapes.error()
                                           : timestamp_field.error());
    }
    for (const std::string& escape : *unescapes) {
        if (escape.size() != 3 || escape[0] != '%' ||
            !std::isxdigit(static_cast<unsigned char>(escape[1])) ||
            !std::isxdigit(static_cast<unsigned char>(escape[2]))) {
            return fail(ErrorKind::config, "profile field 'url_unescapes' takes escapes such as "
                                           "\"%3A\", not '" +
                                               escape + "'");
        }
    }
    if (!timestamp_field->empty() && !is_json_pointer(*timestamp_field)) {
        return fail(ErrorKind::config,
                    "profile field 'timestamp_field' must be a JSON Pointer such as /timestamp");
    }
    profile.detect_headers = std::move(*detect);
    profile.url_unescapes = std::move(*unescapes);
    profile.timestamp_field = std::move(*timestamp_field);
    auto fixed = object.find("fixed_headers");
    if (fixed == object.end() || fixed->is_null()) {
        return {};
    }
    for (const json& pair : fixed->is_array() ? *fixed : json::array({nullptr})) {
        if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string() ||
            pair[0].get<std::string>().empty() ||
            has_control_character(pair[0].get_ref<const std::string&>()) ||
            has_control_character(pair[1].get_ref<const std::string&>())) {
            return fail(ErrorKind::config, "profile field 'fixed_headers' must be [name, value] "
                                           "pairs of strings without control characters");
        }
        profile.fixed_headers.push_back({pair[0].get<std::string>(), pair[1].get<std::string>()});
    }
    return {};
}

Result<SchemeProfile> profile_from_json(const json& object) {
    if (!object.is_object()) {
        return fail(ErrorKind::config, "a provider profile must be a JSON object");
    }
    SchemeProfile profile;
    for (auto* read : {&read_strings, &read_choices, &read_tolerance, &read_lists}) {
        if (auto valid = read(object, profile); !valid) {
            return tl::unexpected(valid.error());
        }
    }
    if (auto valid = check_consistency(profile); !valid) {
        return tl::unexpected(valid.error());
    }
    return profile;
}

Result<json> parse_json(std::string_view text) {
    json document = json::parse(text.begin(), text.end(), nullptr, false);
    if (document.is_discarded()) {
        return fail(ErrorKind::config, "provider profile is not valid JSON");
    }
    return document;
}

} // namespace

bool SchemeProfile::is_timestamped() const {
    return signed_content.find("{timestamp}") != std::string::npos;
}

bool SchemeProfile::has_freshness() const {
    return is_timestamped() || !timestamp_field.empty();
}

bool SchemeProfile::has_id() const {
    return signed_content.find("{id}") != std::string::npos;
}

Result<SchemeProfile> parse_scheme_profile(std::string_view json_text) {
    return parse_json(json_text).and_then(
        [](const json& document) { return profile_from_json(document); });
}

Result<std::vector<SchemeProfile>> parse_scheme_profiles(std::string_view json_text) {
    auto document = parse_json(json_text);
    if (!document) {
        return tl::unexpected(document.error());
    }
    std::vector<SchemeProfile> profiles;
    if (!document->is_array()) {
        auto profile = profile_from_json(*document);
        if (!profile) {
            return tl::unexpected(profile.error());
        }
        profiles.push_back(std::move(*profile));
        return profiles;
    }
    for (size_t i = 0; i < document->size(); ++i) {
        auto profile = profile_from_json((*document)[i]);
        if (!profile) {
            return fail(ErrorKind::config,
                        "profile #" + std::to_string(i + 1) + ": " + profile.error().message);
        }
        profiles.push_back(std::move(*profile));
    }
    return profiles;
}

} // namespace hooks::providers
