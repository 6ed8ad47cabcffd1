// SPDX-License-Identifier: MIT
// `hooks verify`: check a delivery's signature; the exit code and the one-line reason are its API.
#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "core/providers/explain.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

namespace hooks::cli {
namespace {

struct VerifyOptions {
    ProviderOptions provider;
    SecretOptions secrets;
    HeaderOptions headers;
    OutputOptions output;
    std::string url;
    std::string method;
    std::optional<long long> tolerance_seconds;
    std::optional<long long> now;
    bool should_explain = false;
    std::string body_path = "-";
};

std::string describe_skew(const providers::VerifyResult& result) {
    if (!result.skew_seconds) {
        return "";
    }
    long long skew = *result.skew_seconds;
    return skew >= 0 ? " (sent " + std::to_string(skew) + " s ago)"
                     : " (sent " + std::to_string(-skew) + " s in the future)";
}

/// What verify found, for printing.
struct Report {
    const providers::VerifyResult& result;
    const std::string& provider;
    const std::string& detected_by; ///< empty unless --provider auto chose the provider
    bool signs_time = false;        ///< the provider signs a send time
    const std::optional<providers::Explanation>& explanation;
};

/// " (provider from X-Hub-Signature with X-Event-Key)" under --provider auto.
std::string describe_detection(const Report& report) {
    return report.detected_by.empty() ? "" : " (provider from " + report.detected_by + ")";
}

/// What a valid line says when no send time was checked.
std::string replay_note(const Report& report) {
    if (report.result.has_replay_protection) {
        return "";
    }
    if (report.signs_time) {
        return "; the send time is signed but was not checked (no documented tolerance; "
               "--tolerance SECONDS checks it)";
    }
    return "; no signed send time, so replay protection is not available";
}

void print_text(const Report& report, bool is_color, std::ostream& out) {
    const providers::VerifyResult& result = report.result;
    if (result.is_valid) {
        out << paint("valid", 32, is_color) << ": " << report.provider << ' ' << result.reason
            << describe_skew(result) << describe_detection(report) << replay_note(report) << '\n';
    } else {
        out << paint("invalid", 31, is_color) << ": " << result.reason << '\n';
    }
    const std::optional<providers::Explanation>& explanation = report.explanation;
    const std::string& provider = report.provider;
    if (!explanation) {
        return;
    }
    out << "  provider:       " << provider << '\n';
    out << "  signed content: " << explanation->signed_content << '\n';
    out << "  body:           " << explanation->body_shape << '\n';
    for (const std::string& finding : explanation->findings) {
        out << "  likely cause:   " << finding << '\n';
    }
}

void print_json(const Report& report, std::ostream& out) {
    const providers::VerifyResult& result = report.result;
    const std::optional<providers::Explanation>& explanation = report.explanation;
    nlohmann::json document = {
        {"v", 1},
        {"valid", result.is_valid},
        {"provider", report.provider.empty() ? nullptr : nlohmann::json(report.provider)},
        {"check", result.check},
        {"reason", result.reason}};
    document["detected_by"] =
        report.detected_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.detected_by);
    document["replay_protection"] = result.has_replay_protection;
    document["skew_seconds"] =
        result.skew_seconds ? nlohmann::json(*result.skew_seconds) : nlohmann::json(nullptr);
    document["matched_secret"] = result.matched_secret.empty()
                                     ? nlohmann::json(nullptr)
                                     : nlohmann::json(result.matched_secret);
    if (explanation) {
        document["explain"] = {{"signed_content", explanation->signed_content},
                               {"body", explanation->body_shape},
                               {"findings", explanation->findings}};
    }
    out << document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

Result<int> run_verify(const VerifyOptions& options, Context& context) {
    auto inputs = read_request_inputs(options.provider, options.secrets, options.headers,
                                      options.body_path, context);
    if (!inputs) {
        return tl::unexpected(inputs.error());
    }
    message::Message& request = inputs->message;
    const providers::Scheme* scheme = inputs->scheme;
    if (!options.method.empty()) {
        request.method = options.method;
    }
    providers::VerifyResult result;
    std::optional<providers::Explanation> explanation;
    std::string detected_by;
    auto print = [&](const std::string& provider) {
        Report report{result, provider, detected_by, scheme != nullptr && scheme->info().signs_time,
                      explanation};
        options.output.is_json
            ? print_json(report, context.out)
            : print_text(report, should_color(options.output, context), context.out);
        return result.is_valid ? 0 : 1;
    };
    if (scheme == nullptr) {
        auto detected = inputs->registry.detect(request);
        if (!detected) {
            result.check = "header";
            result.reason = detected.error().message;
            return print("");
        }
        scheme = detected->scheme;
        detected_by = detected->decided_by;
    }
    providers::VerifyInput input(request, inputs->secrets);
    input.now = options.now ? providers::UnixMillis(*options.now * 1000)
                            : time::unix_millis(*context.clock);
    if (options.tolerance_seconds) {
        input.tolerance = std::chrono::seconds(*options.tolerance_seconds);
    }
    input.url = options.url;
    auto verified = scheme->verify(input);
    if (!verified) {
        return tl::unexpected(verified.error());
    }
    result = std::move(*verified);
    if (options.should_explain) {
        explanation = providers::explain(*scheme, input, result);
        // A missing signature header often means the wrong --provider: name the one present.
        if (auto present = inputs->registry.detect(request);
            result.check == "header" && present && present->scheme != scheme) {
            explanation->findings.push_back("the request carries " + present->scheme->info().title +
                                            "'s signature header; try --provider " +
                                            present->scheme->info().name);
        }
    }
    return print(scheme->info().name);
}

} // namespace

void register_verify(CLI::App& command, Context& context) {
    auto options = std::make_shared<VerifyOptions>();
    add_provider_options(command, options->provider, "auto");
    add_secret_options(command, options->secrets,
                       "a secret to try (Ed25519 providers: the public key)");
    add_header_options(command, options->headers, true);
    command.add_option("--url", options->url, "The full URL the request was sent to (Twilio)");
    command.add_option("--method", options->method, "HTTP method of the request");
    command
        .add_option("--tolerance", options->tolerance_seconds,
                    "Allowed clock skew in seconds: the timestamp's age, and for providers that "
                    "check it its distance into the future (default: the provider's; 0: no check)")
        ->type_name("SECONDS")
        ->check(whole_number(0, 100LL * 365 * 24 * 3600));
    command
        .add_option("--now", options->now,
                    "Check timestamps against this UNIX time in seconds (default: now)")
        ->type_name("UNIX")
        ->check(whole_number(0, 9'999'999'999LL));
    command.add_flag("--explain", options->should_explain,
                     "Show the signed content and the likely cause of a mismatch");
    add_output_options(command, options->output);
    command.add_option("FILE", options->body_path, "The body, read as raw bytes; '-' for stdin")
        ->capture_default_str();
    command.footer(
        "Exit status: 0 valid; 1 invalid, with one line saying which check failed; 2 bad\n"
        "usage or input (unreadable file, empty or undecodable secret).\n"
        "Examples:\n"
        "  hooks verify --provider stripe --secret-env STRIPE_SECRET \\\n"
        "      -H \"Stripe-Signature: $SIG\" payload.json\n"
        "  hooks verify --secret-file secret.txt --headers-file request-headers.txt body.json\n"
        "  hooks verify --provider github --secret s --explain -H \"X-Hub-Signature-256: $S\" -");
    command.callback([options, &context] {
        context.action = [options, &context] { return run_verify(*options, context); };
    });
}

} // namespace hooks::cli
