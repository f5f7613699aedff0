/** The commands that build the app in every lane, with the defaults resolved in one place. */
export interface AppBuild {
  /** The commands that install the app's dependencies. */
  readonly installCommands: string[];
  /** The commands that build the app and synthesize it into `outputDirectory`. */
  readonly synthCommands: string[];
  /** Where the synth commands write the cloud assembly. */
  readonly outputDirectory: string;
}

/** How the user's pipeline props describe the app's build. */
export interface AppBuildOptions {
  readonly installCommands?: string[];
  readonly synthCommands?: string[];
  readonly synthOutputDirectory?: string;
}

/** The app's build: what the options give, and the CDK CLI's usual commands for the rest. */
export function appBuildOf(options: AppBuildOptions): AppBuild {
  return {
    installCommands: options.installCommands ?? ['npm ci'],
    synthCommands: options.synthCommands ?? ['npx cdk synth'],
    outputDirectory: options.synthOutputDirectory ?? 'cdk.out',
  };
}
