/**
 * Where photos uploaded in chat may be downloaded from (PRODUCT.md, Security: downloads only from
 * allowed hosts). Each platform's download gets its own allow-list — never IMAGE_HOSTS, which is
 * for listing images — so a Slack bot token can only ever be sent to Slack's file host.
 *
 * @see https://docs.slack.dev/reference/objects/file-object (url_private_download: needs the bot token, files:read)
 * @see https://discord.com/developers/docs/reference#image-formatting (attachments on the CDN)
 */

/** Slack serves private files (url_private / url_private_download) from here. */
export const SLACK_FILE_HOSTS: readonly string[] = ['files.slack.com'];

/** Discord's attachment CDN (and its media proxy). */
export const DISCORD_CDN_HOSTS: readonly string[] = ['cdn.discordapp.com', 'media.discordapp.net'];

/**
 * A platform's file hosts plus the host its API is configured at (SLACK_API_URL,
 * DISCORD_API_URL): a proxy or emulator that stands in for the platform serves its files too.
 * For the real platforms that adds slack.com or discord.com, which serve no files of ours.
 */
export function chatPhotoHosts(platformHosts: readonly string[], apiUrl: string | undefined): string[] {
  const hosts = [...platformHosts];
  if (apiUrl) {
    try {
      hosts.push(new URL(apiUrl).host);
    } catch {
      // An invalid API URL is refused by the config schema; nothing to add here.
    }
  }
  return [...new Set(hosts)];
}
