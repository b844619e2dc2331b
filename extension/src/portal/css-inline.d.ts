/** Vite's `?inline` CSS import: the stylesheet's text, put inside the assistant's shadow root (shadow-host.ts). */
declare module "*.css?inline" {
  const css: string;
  export default css;
}
