// encodeurl ships no types (and DefinitelyTyped's are not in this tree): its one function.
declare module 'encodeurl' {
  /** Encodes what may not appear in a URL, keeping valid `%XX` escapes. */
  export default function encodeUrl(url: string): string;
}
