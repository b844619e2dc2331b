import { render } from "preact";
import "../../ui/theme.css";
import { PairingApp } from "../../ui/pair/PairingApp";

render(<PairingApp />, document.getElementById("app")!);
