/** The folder of the built UI (absolute, ending in a separator); it may not exist yet. */
export declare const UI_DIRECTORY: string;
