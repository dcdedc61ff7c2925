// The app's public URL (shopify.app.toml application_url). The tests' bundle defines STORYBOOK_APP_URL.
/* global STORYBOOK_APP_URL */
export const APP_URL = typeof STORYBOOK_APP_URL === "string" ? STORYBOOK_APP_URL : "https://storybookshop.example.com";
