// SPDX-License-Identifier: MIT
// `hooks providers [NAME]`: list the providers or explain one's scheme.

// GCC 12 at -O3 reports a null pointer dereference inside CLI11's detail::split (a vector of
// strings growing, inlined into this file's option registration) that cannot happen; the other
// CLI files compile the same code without it. A false positive of -Wnull-dereference, silenced
// for this file only, before the headers that hold the code it points at.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif
#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "core/events/catalog.hpp"
#include "core/retry/schedule.hpp"
#include "core/text/duration.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

namespace hooks::cli {
namespace {

struct ProvidersOptions {
    ProviderOptions provider;
    OutputOptions output;
    std::string name;
};

std::string tolerance_text(const providers::ProviderInfo& info) {
    if (!info.tolerance) {
        return "none (no timestamp check)";
    }
    return std::to_string(info.tolerance->count()) + " s" +
           (info.rejects_future ? ", in the past and the future" : ", in the past only");
}

nlohmann::json events_json(const std::string& provider) {
    nlohmann::json list = nlohmann::json::array();
    for (const events::EventInfo& event : events::list_events(provider)) {
        list.push_back({{"name", event.name}, {"summary", event.summary}});
    }
    return list;
}

nlohmann::json sources_json(const std::string& provider) {
    nlohmann::json sources = nlohmann::json::object();
    for (const auto& [what, source] : events::list_sources(provider)) {
        sources[what] = source;
    }
    return sources;
}

/// "0, 1s, 5s (timeout 30s)" or "no retries (timeout 10s)"
std::string schedule_text(const retry::Schedule& schedule) {
    std::string text;
    for (std::chrono::milliseconds delay : schedule.delays) {
        text += (text.empty() ? "" : ", ") +
                (delay.count() == 0 ? std::string("immediately") : text::format_duration(delay));
    }
    return (text.empty() ? "no retries" : text) + " (timeout " +
           text::format_duration(schedule.timeout) + ")";
}

nlohmann::json to_json(const providers::ProviderInfo& info) {
    return {{"name", info.name},
            {"title", info.title},
            {"summary", info.summary},
            {"algorithm", info.algorithm},
            {"signed_content", info.signed_content},
            {"signature_header", info.signature_header},
            {"signature_syntax", info.signature_syntax},
            {"other_headers", info.other_headers},
            {"key_format", info.key_format},
            {"tolerance_seconds",
             info.tolerance ? nlohmann::json(info.tolerance->count()) : nlohmann::json(nullptr)},
            {"rejects_future", info.rejects_future},
            {"timestamp_unit", providers::unit_name(info.timestamp_unit)},
            {"can_sign", info.can_sign},
            {"events", events_json(info.name)},
            {"retry_schedule", schedule_text(retry::preset(info.name))},
            {"retry_source", retry::preset(info.name).source},
            {"sources", sources_json(info.name)}};
}

/// Single-quoted for a POSIX shell.
std::string shell_quoted(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

/// The example's made-up secret: one the provider's key format takes.
std::string example_secret(const providers::ProviderInfo& info) {
    if (info.name == "postmark") {
        return "hooks:example-password";
    }
    if (info.name == "discord") {
        return "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
               "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    }
    return "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
}

/// The example's body: Linear's carries its send time, Twilio's is form fields.
std::string example_body(const providers::ProviderInfo& info) {
    if (info.name == "linear") {
        return R"({"action":"create","type":"Issue","webhookTimestamp":1700000000000})";
    }
    if (info.name == "twilio") {
        return "Body=hello&From=%2B15551234567&To=%2B15557654321";
    }
    return R"({"hello":"world"})";
}

/// Examples for the schemes whose output cannot be shown as fixed headers: SendGrid's ECDSA
/// signatures are random and need a key pair; Mailgun signs inside the body.
std::vector<std::string> special_example(const providers::ProviderInfo& info) {
    std::vector<std::string> lines;
    if (info.name == "sendgrid") {
        const std::string generate = "openssl ecparam -name prime256v1 -genkey -noout";
        lines.push_back(generate + " | openssl pkcs8 -topk8 -nocrypt > test-key.pem");
        lines.emplace_back("openssl pkey -in test-key.pem -pubout > test-key.pub");
        lines.emplace_back(R"(printf '[{"event":"delivered"}]\r\n' > body.json)");
        lines.emplace_back(
            "hooks sign --provider sendgrid --secret-file test-key.pem body.json > headers.txt");
        const std::string verify = "hooks verify --provider sendgrid --secret-file test-key.pub";
        lines.push_back(verify + " --headers-file headers.txt body.json");
    } else if (info.name == "mailgun") {
        const std::string body = R"({"signature":{"timestamp":"1700000000","token":"8c2f1e5a0b",)";
        lines.push_back("printf '%s' '" + body +
                        R"("signature":""},"event-data":{"event":"delivered"}}' > body.json)");
        lines.emplace_back(
            "hooks sign --provider mailgun --secret 'key-example' body.json > signed.json");
        lines.emplace_back("hooks verify --provider mailgun --secret 'key-example' signed.json");
    }
    return lines;
}

/// Commands that sign a sample body and verify it, with the values this scheme computes for a
/// made-up secret at a fixed time: a user can paste them into a terminal and get "valid".
std::vector<std::string> worked_example(const providers::Scheme& scheme) {
    const providers::ProviderInfo& info = scheme.info();
    if (!info.can_sign || !info.needs_secret) {
        return {};
    }
    if (auto special = special_example(info); !special.empty()) {
        return special;
    }
    constexpr long long k_time = 1'700'000'000;
    const std::string body = example_body(info);
    const std::string secret = example_secret(info);
    const std::string url = "https://example.com/webhooks";
    std::vector<providers::Secret> secrets{{secret, "--secret #1"}};
    providers::SignInput input;
    input.body = body;
    input.secrets = secrets;
    input.id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    input.timestamp = providers::UnixMillis(k_time * 1000);
    input.url = url;
    auto output = scheme.sign(input);
    if (!output || output->headers.empty()) {
        return {};
    }
    std::string common = " --provider " + info.name + " --secret " + shell_quoted(secret) +
                         (scheme.signs_url() ? " --url " + shell_quoted(url) : "");
    std::string verify = "hooks verify" + common + " --now " + std::to_string(k_time);
    for (const message::Header& header : output->headers) {
        verify += " \\\n      -H " + shell_quoted(header.name + ": " + header.value);
    }
    return {"printf '%s' " + shell_quoted(body) + " > body.json",
            "hooks sign" + common + " --id " + input.id + " --timestamp " + std::to_string(k_time) +
                " body.json",
            verify + " body.json"};
}

void print_sources(const providers::ProviderInfo& info, std::ostream& out) {
    for (const auto& [what, source] : events::list_sources(info.name)) {
        out << "  " << what << ':' << std::string(what.size() < 16 ? 17 - what.size() : 1, ' ')
            << source << '\n';
    }
    retry::Schedule schedule = retry::preset(info.name);
    out << "  retries from:     " << schedule.source << '\n';
}

void print_details(const providers::Scheme& scheme, std::ostream& out) {
    const providers::ProviderInfo& info = scheme.info();
    out << info.name << " - " << info.title << '\n';
    if (!info.summary.empty()) {
        out << "  " << info.summary << '\n';
    }
    out << "  algorithm:        " << info.algorithm << '\n';
    out << "  signed content:   " << info.signed_content << '\n';
    out << "  signature header: " << info.signature_header << ": " << info.signature_syntax << '\n';
    for (const std::string& header : info.other_headers) {
        out << "  also sends:       " << header << '\n';
    }
    out << "  key:              " << info.key_format << '\n';
    out << "  tolerance:        " << tolerance_text(info) << '\n';
    if (info.tolerance) {
        out << "  timestamp unit:   " << providers::unit_name(info.timestamp_unit) << '\n';
    }
    if (!info.tolerance && info.needs_secret) {
        out << (info.signs_time ? "  replay:           the send time is signed but has no "
                                  "documented tolerance: --tolerance SECONDS checks it\n"
                                : "  replay:           no signed send time: a valid signature "
                                  "says nothing about when it was sent\n");
    }
    out << "  send retries:     " << schedule_text(retry::preset(info.name)) << '\n';
    print_sources(info, out);
    auto events = events::list_events(info.name);
    if (!events.empty()) {
        out << "  events (hooks send --event):\n";
    }
    for (const events::EventInfo& event : events) {
        out << "    " << event.name
            << std::string(event.name.size() < 28 ? 28 - event.name.size() : 1, ' ')
            << event.summary << '\n';
    }
    auto example = worked_example(scheme);
    if (!example.empty()) {
        out << "  example (a made-up secret; paste into a shell):\n";
    }
    for (const std::string& line : example) {
        out << "    " << line << '\n';
    }
}

Result<int> run_providers(const ProvidersOptions& options, Context& context) {
    auto registry = load_registry(options.provider);
    if (!registry) {
        return tl::unexpected(registry.error());
    }
    if (!options.name.empty()) {
        auto scheme = registry->find(options.name);
        if (!scheme) {
            return tl::unexpected(scheme.error());
        }
        const providers::ProviderInfo& info = (*scheme)->info();
        if (options.output.is_json) {
            nlohmann::json document = to_json(info);
            document["v"] = 1;
            context.out << document.dump() << '\n';
        } else {
            print_details(**scheme, context.out);
        }
        return 0;
    }
    if (options.output.is_json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& scheme : registry->all()) {
            list.push_back(to_json(scheme->info()));
        }
        context.out << nlohmann::json{{"v", 1}, {"providers", list}}.dump() << '\n';
        return 0;
    }
    for (const auto& scheme : registry->all()) {
        const providers::ProviderInfo& info = scheme->info();
        std::string name = info.name;
        name.resize(std::max<size_t>(name.size(), 17), ' ');
        context.out << name << ' ' << (info.summary.empty() ? info.algorithm : info.summary)
                    << '\n';
    }
    return 0;
}

} // namespace

void register_providers(CLI::App& command, Context& context) {
    auto options = std::make_shared<ProvidersOptions>();
    command
        .add_option("--provider-file", options->provider.files,
                    "Also load HMAC provider profiles from a JSON file")
        ->type_name("PATH")
        ->allow_extra_args(false);
    add_output_options(command, options->output);
    command.add_option("NAME", options->name, "Show this provider's scheme in detail");
    command.footer(
        "Examples:\n"
        "  hooks providers\n"
        "  hooks providers stripe\n"
        "  hooks providers --provider-file acme.json acme\n"
        "\n"
        "A profile file holds one JSON object, or an array, per HMAC provider:\n"
        "  {\"name\": \"acme\", \"signature_header\": \"X-Acme-Signature\",\n"
        "   \"signed_content\": \"{timestamp}.{body}\", \"timestamp_header\": "
        "\"X-Acme-Timestamp\",\n"
        "   \"algorithm\": \"sha256\", \"encoding\": \"hex\", \"signature_prefix\": \"sha256=\",\n"
        "   \"tolerance_seconds\": 300}\n"
        "Fields: name, title, summary, algorithm (sha1|sha256|sha512), encoding (hex|base64),\n"
        "signed_content (over {id} {timestamp} {body} {method} {url}), signature_header,\n"
        "signature_format (plain|versioned|key-value), signature_prefix, signature_version,\n"
        "ed25519_version (versioned: the tag of Standard Webhooks Ed25519 signatures),\n"
        "pair_separator, timestamp_key, timestamp_header, id_header, timestamp_unit\n"
        "(seconds|milliseconds|rfc3339), tolerance_seconds, rejects_future, key_format\n"
        "(raw|whsec-base64|base64|hex), mac (hmac|secret-prefix-hash), fixed_headers\n"
        "([[name, value]]: sent as is), detect_headers (headers only this provider sends, for\n"
        "--provider auto), timestamp_field (a JSON Pointer to the send time in the body),\n"
        "url_unescapes ([\"%3A\", ...]: decoded in {url} before signing).\n"
        "'hooks providers --json' shows the built-in ones.");
    command.callback([options, &context] {
        context.action = [options, &context] { return run_providers(*options, context); };
    });
}

} // namespace hooks::cli
