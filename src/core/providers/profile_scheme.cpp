// SPDX-License-Identifier: MIT
#include "core/providers/profile_scheme.hpp"

#include "core/crypto/ed25519.hpp"
#include "core/crypto/encoding.hpp"
#include "core/providers/signature_header.hpp"
#include "core/providers/verify_support.hpp"
#include "core/text/text.hpp"

#include <nlohmann/json.hpp>

namespace hooks::providers {
namespace {

std::string signature_syntax(const SchemeProfile& p) {
    switch (p.format) {
    case SignatureFormat::plain:
        return p.signature_prefix + "<signature>";
    case SignatureFormat::versioned: {
        std::string text = p.signature_version + ",<signature>";
        if (!p.ed25519_version.empty()) {
            text += " or " + p.ed25519_version + ",<ed25519 signature>";
        }
        return text + ", several separated by spaces";
    }
    case SignatureFormat::key_value: {
        std::string sep(1, p.pair_separator);
        std::string timestamp =
            p.timestamp_key.empty() ? "" : p.timestamp_key + "=<timestamp>" + sep;
        return timestamp + p.signature_version + "=<signature>[" + sep + p.signature_version +
               "=<signature>...]";
    }
    }
    return {};
}

std::string key_format_text(const SchemeProfile& p) {
    switch (p.key_format) {
    case KeyFormat::raw:
        return "the secret's bytes as given";
    case KeyFormat::whsec_base64:
        return "whsec_<base64>: the base64-decoded bytes after the prefix" +
               std::string(p.ed25519_version.empty()
                               ? ""
                               : "; Ed25519: whsk_<base64> private key, whpk_<base64> public key");
    case KeyFormat::base64:
        return "base64-decoded secret";
    case KeyFormat::hex:
        return "hex-decoded secret";
    }
    return {};
}

ProviderInfo info_for(const SchemeProfile& p) {
    ProviderInfo info;
    info.name = p.name;
    info.title = p.title;
    info.summary = p.summary;
    std::string algorithm(crypto::digest_name(p.algorithm));
    for (char& c : algorithm) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    std::string encoding = p.encoding == SignatureEncoding::hex ? ", hex" : ", base64";
    info.algorithm =
        p.construction == MacConstruction::hmac
            ? "HMAC-" + algorithm + encoding
            : algorithm + " of the secret followed by the content (not HMAC)" + encoding;
    info.signed_content = p.signed_content;
    if (!p.url_unescapes.empty()) {
        std::string escapes;
        for (const std::string& escape : p.url_unescapes) {
            escapes += (escapes.empty() ? "" : " ") + escape;
        }
        info.signed_content += " ({url} with " + escapes + " decoded)";
    }
    if (!p.timestamp_field.empty()) {
        info.signed_content += "; the send time is the body's " + p.timestamp_field;
    }
    info.signature_header = p.signature_header;
    info.signature_syntax = signature_syntax(p);
    if (!p.id_header.empty()) {
        info.other_headers.push_back(p.id_header);
    }
    if (!p.timestamp_header.empty()) {
        info.other_headers.push_back(p.timestamp_header);
    }
    for (const message::Header& header : p.fixed_headers) {
        info.other_headers.push_back(header.name + ": " + header.value);
    }
    info.key_format = key_format_text(p);
    info.tolerance = p.has_freshness() ? p.tolerance : std::nullopt;
    info.signs_time = p.has_freshness();
    info.rejects_future = p.rejects_future;
    info.timestamp_unit = p.timestamp_unit;
    return info;
}

std::string encode(const SchemeProfile& p, std::string_view mac) {
    return p.encoding == SignatureEncoding::hex ? crypto::hex_encode(mac)
                                                : crypto::base64_encode(mac);
}

Result<std::string> decode_signature(const SchemeProfile& p, std::string_view text) {
    return p.encoding == SignatureEncoding::hex ? crypto::hex_decode(text)
                                                : crypto::base64_decode(text);
}

// The timestamp and signature candidates that one signature header value carries.
struct ParsedHeader {
    std::vector<std::string> hmac_signatures;
    std::vector<std::string> ed25519_signatures;
    std::vector<std::string> other_versions;
    std::optional<std::string> timestamp;
};

ParsedHeader parse_header(const SchemeProfile& p, std::string_view value) {
    ParsedHeader parsed;
    switch (p.format) {
    case SignatureFormat::plain:
        if (value.substr(0, p.signature_prefix.size()) == p.signature_prefix) {
            parsed.hmac_signatures.emplace_back(value.substr(p.signature_prefix.size()));
        } else if (size_t equals = value.find('=');
                   equals != std::string_view::npos && equals < 16) {
            // Another scheme's prefix, such as sha1= where sha256= is expected.
            parsed.other_versions.emplace_back(value.substr(0, equals + 1));
        }
        break;
    case SignatureFormat::versioned:
        for (SignatureEntry& entry : parse_versioned_list(value)) {
            if (entry.key == p.signature_version) {
                parsed.hmac_signatures.push_back(std::move(entry.value));
            } else if (!p.ed25519_version.empty() && entry.key == p.ed25519_version) {
                parsed.ed25519_signatures.push_back(std::move(entry.value));
            } else {
                parsed.other_versions.push_back(std::move(entry.key));
            }
        }
        break;
    case SignatureFormat::key_value:
        for (SignatureEntry& entry : parse_key_value_list(value, p.pair_separator)) {
            if (!p.timestamp_key.empty() && entry.key == p.timestamp_key && !parsed.timestamp) {
                parsed.timestamp = std::move(entry.value);
            } else if (entry.key == p.signature_version) {
                parsed.hmac_signatures.push_back(std::move(entry.value));
            } else if (p.timestamp_key.empty() || entry.key != p.timestamp_key) {
                parsed.other_versions.push_back(std::move(entry.key));
            }
        }
        break;
    }
    return parsed;
}

std::string render(const SchemeProfile& p, std::string_view id, std::string_view timestamp,
                   std::string_view body, std::string_view method, std::string_view url) {
    std::string out;
    out.reserve(p.signed_content.size() + body.size() + 64);
    std::string_view text = p.signed_content;
    while (!text.empty()) {
        size_t open = text.find('{');
        out.append(text.substr(0, open));
        if (open == std::string_view::npos) {
            break;
        }
        text.remove_prefix(open);
        size_t close = text.find('}');
        std::string_view name = text.substr(0, close + 1);
        if (name == "{body}") {
            out.append(body);
        } else if (name == "{id}") {
            out.append(id);
        } else if (name == "{timestamp}") {
            out.append(timestamp);
        } else if (name == "{method}") {
            out.append(method);
        } else if (name == "{url}") {
            out.append(url);
        }
        text.remove_prefix(name.size());
    }
    return out;
}

// The send time inside a JSON body (Linear's webhookTimestamp), as text: a whole number or a
// string of digits.
tl::expected<std::string, VerifyResult> body_timestamp(const SchemeProfile& p,
                                                       std::string_view body) {
    auto document = nlohmann::json::parse(body, nullptr, false);
    nlohmann::json::json_pointer pointer(p.timestamp_field);
    const nlohmann::json* found = nullptr;
    try {
        if (!document.is_discarded() && document.contains(pointer)) {
            found = &document.at(pointer);
        }
    } catch (const nlohmann::json::exception&) {
        // An array index past size_t ("/99999999999999999999" on a JSON array body) throws.
    }
    if (found == nullptr) {
        return tl::unexpected(
            invalid("timestamp", "no " + p.timestamp_field.substr(1) + " in the body to check " +
                                     "the send time against (--tolerance 0 skips the check)"));
    }
    const nlohmann::json& value = *found;
    if (value.is_number_unsigned()) {
        return std::to_string(value.get<std::uint64_t>());
    }
    if (value.is_string()) {
        return value.get<std::string>();
    }
    return tl::unexpected(invalid("timestamp", "the body's " + p.timestamp_field.substr(1) +
                                                   " is not a whole number"));
}

// The id and timestamp that the signed content includes, from their headers.
struct SignedParts {
    std::string id;
    std::string timestamp;
    std::optional<UnixMillis> sent_at;
};

// `checks_time`: a tolerance applies. Without one, a send time that only the body carries
// (it is not signed separately) is not looked for, as --tolerance 0 promises.
tl::expected<SignedParts, VerifyResult> read_signed_parts(const SchemeProfile& p,
                                                          const message::Message& m,
                                                          const ParsedHeader& parsed,
                                                          bool checks_time) {
    SignedParts parts;
    if (p.has_id()) {
        auto id = single_header(m, p.id_header);
        if (!id) {
            return tl::unexpected(id.error());
        }
        parts.id = std::string(*id);
    }
    if (!p.timestamp_field.empty() && !checks_time && !p.is_timestamped()) {
        return parts;
    }
    if (!p.timestamp_field.empty()) {
        auto timestamp = body_timestamp(p, m.body);
        if (!timestamp) {
            return tl::unexpected(timestamp.error());
        }
        parts.timestamp = std::move(*timestamp);
    } else if (!p.is_timestamped()) {
        return parts;
    } else if (!p.timestamp_header.empty()) {
        auto timestamp = single_header(m, p.timestamp_header);
        if (!timestamp) {
            return tl::unexpected(timestamp.error());
        }
        parts.timestamp = std::string(*timestamp);
    } else if (parsed.timestamp) {
        parts.timestamp = *parsed.timestamp;
    } else {
        return tl::unexpected(
            invalid("header", "no '" + p.timestamp_key + "=' timestamp in " + p.signature_header));
    }
    auto time = sent_time(parts.timestamp, p.timestamp_unit);
    if (!time) {
        return tl::unexpected(time.error());
    }
    parts.sent_at = *time;
    return parts;
}

// The header's signatures as bytes; undecodable and empty ones are dropped (they never match).
struct Candidates {
    std::vector<std::string> hmac;
    std::vector<std::string> ed25519;
    bool is_empty() const { return hmac.empty() && ed25519.empty(); }
};

Candidates decode_candidates(const SchemeProfile& p, const ParsedHeader& parsed) {
    Candidates candidates;
    for (const std::string& text : parsed.hmac_signatures) {
        if (auto bytes = decode_signature(p, text); bytes && !bytes->empty()) {
            candidates.hmac.push_back(std::move(*bytes));
        }
    }
    for (const std::string& text : parsed.ed25519_signatures) {
        if (auto bytes = crypto::base64_decode(text); bytes && !bytes->empty()) {
            candidates.ed25519.push_back(std::move(*bytes));
        }
    }
    return candidates;
}

std::string compute_mac(const SchemeProfile& p, std::string_view key, std::string_view content) {
    if (p.construction == MacConstruction::secret_prefix_hash) {
        std::string keyed;
        keyed.reserve(key.size() + content.size());
        keyed.append(key).append(content);
        return crypto::digest(p.algorithm, keyed);
    }
    return crypto::hmac(p.algorithm, key, content);
}

// `url` with the profile's percent-escapes decoded (HubSpot v3: "%3A" -> ':'), matched
// case-insensitively.
std::string unescape_url(const SchemeProfile& p, std::string_view url) {
    std::string out;
    out.reserve(url.size());
    for (size_t i = 0; i < url.size(); ++i) {
        bool is_decoded = false;
        if (url[i] == '%' && i + 2 < url.size()) {
            for (const std::string& escape : p.url_unescapes) {
                if (message::names_equal(url.substr(i, 3), escape)) {
                    out += static_cast<char>(std::stoi(escape.substr(1), nullptr, 16));
                    i += 2;
                    is_decoded = true;
                    break;
                }
            }
        }
        if (!is_decoded) {
            out += url[i];
        }
    }
    return out;
}

// The label of the first secret whose key produces one of the candidates, if any.
Result<std::optional<std::string>> find_matching_secret(const SchemeProfile& p,
                                                        std::string_view content,
                                                        const Candidates& candidates,
                                                        std::span<const Secret> secrets) {
    for (const Secret& secret : secrets) {
        auto key = decode_key(p, secret);
        if (!key) {
            return tl::unexpected(key.error());
        }
        bool is_match = false;
        if (key->kind == DecodedKey::Kind::hmac) {
            std::string mac = compute_mac(p, key->bytes, content);
            for (const std::string& candidate : candidates.hmac) {
                is_match = is_match || crypto::constant_time_equal(mac, candidate);
            }
        } else {
            std::string public_key = key->bytes;
            if (key->kind == DecodedKey::Kind::ed25519_private) {
                public_key = crypto::ed25519_public_key(key->bytes).value_or(std::string());
            }
            for (const std::string& candidate : candidates.ed25519) {
                is_match = is_match || crypto::ed25519_verify(public_key, content, candidate);
            }
        }
        if (is_match) {
            return std::optional<std::string>(secret.label);
        }
    }
    return std::optional<std::string>();
}

} // namespace

ProfileScheme::ProfileScheme(SchemeProfile profile)
    : m_profile(std::move(profile)), m_info(info_for(m_profile)) {}

std::string ProfileScheme::describe_signed_content(const VerifyInput& input) const {
    const message::Message& m = input.message;
    std::string id(m.first_header(m_profile.id_header).value_or("<missing id>"));
    std::string timestamp = "<missing timestamp>";
    if (!m_profile.timestamp_header.empty()) {
        timestamp = std::string(m.first_header(m_profile.timestamp_header).value_or(timestamp));
    } else if (auto header = m.first_header(m_profile.signature_header)) {
        timestamp = parse_header(m_profile, *header).timestamp.value_or(timestamp);
    }
    return render(m_profile, id, timestamp, describe_body(m.body), m.method, input.url);
}

namespace {

// A fixed header (X-HubSpot-Signature-Version) that is present with another value: the message
// is another scheme's.
std::optional<VerifyResult> check_fixed_headers(const SchemeProfile& p, const message::Message& m) {
    for (const message::Header& fixed : p.fixed_headers) {
        auto value = m.first_header(fixed.name);
        if (value && *value != fixed.value) {
            return invalid("version", fixed.name + " is '" + text::printable(*value) + "', not '" +
                                          fixed.value + "': not " + p.title + "'s signature");
        }
    }
    return std::nullopt;
}

} // namespace

Result<VerifyResult> ProfileScheme::verify(const VerifyInput& input) const {
    const SchemeProfile& p = m_profile;
    const message::Message& m = input.message;
    auto header = single_header(m, p.signature_header);
    if (!header) {
        return header.error();
    }
    if (auto foreign = check_fixed_headers(p, m)) {
        return *foreign;
    }
    ParsedHeader parsed = parse_header(p, *header);
    auto tolerance = input.tolerance ? input.tolerance : p.tolerance;
    auto parts = read_signed_parts(p, m, parsed, tolerance && tolerance->count() > 0);
    if (!parts) {
        return parts.error();
    }
    if (parsed.hmac_signatures.empty() && parsed.ed25519_signatures.empty()) {
        return no_supported_signature(p.signature_header, parsed.other_versions,
                                      p.format == SignatureFormat::plain
                                          ? "'" + p.signature_prefix + "'"
                                          : p.signature_version);
    }
    Candidates candidates = decode_candidates(p, parsed);
    // The signed content for one form of the URL, and the secret that matches it, if any.
    auto match_for = [&](std::string_view url) -> Result<std::optional<std::string>> {
        // Most profiles (GitHub's among them) sign the body alone: it is used in place.
        std::string rendered;
        std::string_view content = m.body;
        if (p.signed_content != "{body}") {
            rendered = render(p, parts->id, parts->timestamp, m.body, m.method, url);
            content = rendered;
        }
        return find_matching_secret(p, content, candidates, input.secrets);
    };
    // With url_unescapes, the URL decoded as the provider documents, then as given.
    std::string decoded = p.url_unescapes.empty() ? std::string() : unescape_url(p, input.url);
    auto found = match_for(p.url_unescapes.empty() ? std::string_view(input.url) : decoded);
    if (found && !*found && !p.url_unescapes.empty() && decoded != input.url) {
        found = match_for(input.url);
    }
    if (!found) {
        return tl::unexpected(found.error());
    }
    std::optional<std::string> matched = std::move(*found);
    VerifyResult result =
        matched ? valid_result(p.signature_header, *matched)
                : signature_mismatch(p.signature_header, input.secrets, candidates.is_empty());
    if (parts->sent_at) {
        apply_tolerance(result, *parts->sent_at, input.now, tolerance, p.rejects_future);
        result.has_replay_protection = tolerance && tolerance->count() > 0;
    }
    return result;
}

Evidence ProfileScheme::evidence_in(const message::Message& message) const {
    const SchemeProfile& p = m_profile;
    auto value = message.first_header(p.signature_header);
    if (!value || check_fixed_headers(p, message)) {
        return {};
    }
    // A value with another scheme's prefix (sha1= where sha256= is expected) is only a hint.
    if (p.format == SignatureFormat::plain && !p.signature_prefix.empty() &&
        value->substr(0, p.signature_prefix.size()) != p.signature_prefix) {
        return {EvidenceStrength::weak,
                p.signature_header + " without '" + p.signature_prefix + "'"};
    }
    for (const std::string& name : p.detect_headers) {
        if (message.first_header(name)) {
            return {EvidenceStrength::confirmed, p.signature_header + " with " + name};
        }
    }
    for (const message::Header& fixed : p.fixed_headers) {
        if (message.first_header(fixed.name)) {
            return {EvidenceStrength::confirmed,
                    p.signature_header + " with " + fixed.name + ": " + fixed.value};
        }
    }
    return {EvidenceStrength::header, p.signature_header};
}

Result<void> ProfileScheme::check_secrets(std::span<const Secret> secrets) const {
    for (const Secret& secret : secrets) {
        if (auto key = decode_key(m_profile, secret); !key) {
            return tl::unexpected(key.error());
        }
    }
    return {};
}

Result<SignOutput> ProfileScheme::sign(const SignInput& input) const {
    const SchemeProfile& p = m_profile;
    if (input.secrets.empty()) {
        return fail(ErrorKind::usage, "signing needs a secret");
    }
    if (p.format == SignatureFormat::plain && input.secrets.size() > 1) {
        return fail(ErrorKind::usage, p.title + " sends a single signature; give one secret");
    }
    std::string timestamp = format_timestamp(input.timestamp, p.timestamp_unit);
    std::string url = p.url_unescapes.empty() ? input.url : unescape_url(p, input.url);
    std::string content = render(p, input.id, timestamp, input.body, input.method, url);
    std::vector<std::string> signatures;
    std::vector<std::string> ed25519_signatures;
    for (const Secret& secret : input.secrets) {
        auto key = decode_key(p, secret);
        if (!key) {
            return tl::unexpected(key.error());
        }
        if (key->kind == DecodedKey::Kind::ed25519_public) {
            return fail(ErrorKind::usage,
                        "secret from " + secret.label +
                            " is a whpk_ public key; signing needs the whsk_ key");
        }
        if (key->kind == DecodedKey::Kind::ed25519_private) {
            auto signature = crypto::ed25519_sign(key->bytes, content);
            if (!signature) {
                return tl::unexpected(signature.error());
            }
            ed25519_signatures.push_back(crypto::base64_encode(*signature));
        } else {
            signatures.push_back(encode(p, compute_mac(p, key->bytes, content)));
        }
    }
    std::string value;
    switch (p.format) {
    case SignatureFormat::plain:
        value = p.signature_prefix + signatures.front();
        break;
    case SignatureFormat::versioned:
        for (const std::string& s : signatures) {
            value += (value.empty() ? "" : " ") + p.signature_version + "," + s;
        }
        for (const std::string& s : ed25519_signatures) {
            value += (value.empty() ? "" : " ") + p.ed25519_version + "," + s;
        }
        break;
    case SignatureFormat::key_value:
        value = p.timestamp_key.empty() ? "" : p.timestamp_key + "=" + timestamp;
        for (const std::string& s : signatures) {
            value += (value.empty() ? "" : std::string(1, p.pair_separator)) + p.signature_version +
                     "=" + s;
        }
        break;
    }
    SignOutput output;
    if (p.has_id()) {
        output.headers.push_back({p.id_header, input.id});
    }
    if (!p.timestamp_header.empty()) {
        output.headers.push_back({p.timestamp_header, timestamp});
    }
    output.headers.push_back({p.signature_header, value});
    for (const message::Header& fixed : p.fixed_headers) {
        output.headers.push_back(fixed);
    }
    return output;
}

} // namespace hooks::providers
