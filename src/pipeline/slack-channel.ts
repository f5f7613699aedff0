/** A Slack channel, already added to AWS Chatbot's Slack workspace, that receives the pipeline's notifications. */
export interface SlackChannelOptions {
  /** The Slack workspace's id in AWS Chatbot (from the Chatbot console, after the workspace is authorized). */
  readonly workspaceId: string;
  /** The Slack channel's id, for example C0123456789. */
  readonly channelId: string;
}
