import { render } from "preact";
import "../../ui/theme.css";
import { OptionsApp } from "../../ui/options/OptionsApp";

render(<OptionsApp />, document.getElementById("app")!);
