namespace StorybookShop.Reader;

/// <summary>The reader's buttons and captions in the book's language (a child reads the book, not the shop).</summary>
public static class ReaderLabels
{
    public static ReaderManifest.Labels For(string language) =>
        language switch
        {
            "es" => new(
                "Léemelo",
                "Pausa",
                "Seguir",
                "Yo leo",
                "Página anterior",
                "Página siguiente",
                "Letra más pequeña",
                "Letra más grande",
                "Portada",
                "Página {0} de {1}",
                "Fin",
                "{0} páginas más en el libro completo."
            ),
            "fr" => new(
                "Lis-moi l'histoire",
                "Pause",
                "Reprendre",
                "Je lis",
                "Page précédente",
                "Page suivante",
                "Texte plus petit",
                "Texte plus grand",
                "Couverture",
                "Page {0} sur {1}",
                "Fin",
                "{0} pages de plus dans le livre complet."
            ),
            _ => new(
                "Read to me",
                "Pause",
                "Resume",
                "I'll read",
                "Previous page",
                "Next page",
                "Smaller text",
                "Larger text",
                "Cover",
                "Page {0} of {1}",
                "The End",
                "{0} more pages in the whole book."
            ),
        };
}
