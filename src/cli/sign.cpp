// SPDX-License-Identifier: MIT
// `hooks sign`: print the headers a provider would send for a body.
#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "core/events/delivery_id.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

namespace hooks::cli {
namespace {

struct SignOptions {
    ProviderOptions provider;
    SecretOptions secrets;
    HeaderOptions headers;
    OutputOptions output;
    std::string id;
    std::optional<long long> timestamp;
    std::string url;
    std::string method = "POST";
    std::string body_path = "-";
};

Result<int> run_sign(const SignOptions& options, Context& context) {
    auto inputs = read_request_inputs(options.provider, options.secrets, options.headers,
                                      options.body_path, context);
    if (!inputs) {
        return tl::unexpected(inputs.error());
    }
    const providers::Scheme& scheme = *inputs->scheme;
    if (!scheme.info().can_sign) {
        return fail(ErrorKind::usage,
                    "provider " + options.provider.name + " can only be verified");
    }
    providers::SignInput input;
    input.body = inputs->message.body;
    input.secrets = inputs->secrets;
    input.id = options.id.empty() ? events::fresh_delivery_id("") : options.id;
    if (auto valid = message::validate_header("id", input.id); !valid) {
        return fail(ErrorKind::usage, "--id contains CR, LF or NUL");
    }
    input.timestamp = options.timestamp ? providers::UnixMillis(*options.timestamp * 1000)
                                        : time::unix_millis(*context.clock);
    input.url = options.url;
    input.method = options.method;
    input.headers = inputs->message.headers;
    auto output = scheme.sign(input);
    if (!output) {
        return tl::unexpected(output.error());
    }
    for (const std::string& note : output->notes) {
        context.err << "hooks: note: " << note << '\n';
    }
    if (scheme.info().sends_secret_itself) {
        context.err << "hooks: note: " << scheme.info().title << " sends the secret itself in "
                    << scheme.info().signature_header << ", not a signature; it is not printed\n";
    }
    output->headers = without_secrets(std::move(output->headers), scheme.info());
    if (options.output.is_json) {
        nlohmann::json headers = nlohmann::json::array();
        for (const message::Header& header : output->headers) {
            headers.push_back({header.name, header.value});
        }
        nlohmann::json document = {
            {"v", 1}, {"provider", scheme.info().name}, {"headers", headers}};
        if (output->body) {
            document["body"] = *output->body;
        }
        context.out << document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                    << '\n';
        return 0;
    }
    for (const message::Header& header : output->headers) {
        context.out << header.name << ": " << header.value << '\n';
    }
    // A provider that signs inside the body (Mailgun): the body to send is the output.
    if (output->body) {
        context.out << *output->body;
    }
    return 0;
}

} // namespace

void register_sign(CLI::App& command, Context& context) {
    auto options = std::make_shared<SignOptions>();
    add_provider_options(command, options->provider, "");
    add_secret_options(command, options->secrets,
                       "the signing secret (Ed25519 providers: the private key)");
    command.add_option("--id", options->id,
                       "Message id for providers that sign one (default: fresh)");
    command.add_option("--timestamp", options->timestamp, "UNIX time in seconds (default: now)")
        ->type_name("UNIX")
        ->check(whole_number(0, 9'999'999'999LL));
    command.add_option("--url", options->url, "The URL the request goes to (Twilio signs it)");
    command.add_option("--method", options->method, "HTTP method of the request")
        ->capture_default_str();
    add_header_options(command, options->headers, false);
    add_output_options(command, options->output);
    command.add_option("FILE", options->body_path, "The body, read as raw bytes; '-' for stdin")
        ->capture_default_str();
    command.footer(
        "Examples:\n"
        "  hooks sign --provider stripe --secret-env STRIPE_SECRET payload.json\n"
        "  hooks sign --provider standard --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw \\\n"
        "      --id msg_1 --timestamp 1700000000 payload.json\n"
        "  printf '%s' '{\"event\":\"record.created\"}' | hooks sign --provider codenx --secret s "
        "-\n"
        "Prints one 'Name: value' line per header; --json prints\n"
        "{\"v\":1,\"provider\":\"stripe\",\"headers\":[[name,value],...]}.");
    command.callback([options, &context] {
        context.action = [options, &context] { return run_sign(*options, context); };
    });
}

} // namespace hooks::cli
